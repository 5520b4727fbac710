/**
 * Tells the session which remote videos are on screen and how many device pixels tall they are,
 * so the SFU sends each at a layer that fits and nothing for tiles nobody can see (scrolled away,
 * or the tab in the background). Remote camera tiles are `figure.tile[data-participant-id]`
 * without `data-local`; a remote screen is `#screen-stage[data-participant-id]` that isn't our own.
 */
import type { TileView } from '../../protocol/messages.js';

/** Layout changes come in bursts (a join re-flows the grid): report once they settle. */
const SETTLE_MS = 150;
/** Heights are rounded to this, so a pixel of jitter doesn't make a message. */
const HEIGHT_STEP = 10;

const CAMERA_TILES = 'figure.tile[data-participant-id]:not([data-local])';
const SCREEN = '#screen-stage[data-participant-id]:not([data-own="true"])';

export interface ViewReporter {
  /** Look again soon (call after the layout or the pinned participant changed). */
  refresh(): void;
  dispose(): void;
}

export function viewReporter(root: HTMLElement, pinned: () => string | null, report: (tiles: TileView[], pinned: string | null) => void): ViewReporter {
  const onScreen = new Set<Element>();
  const watched = new Set<Element>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sent = '';

  const intersection = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) onScreen.add(e.target);
      else onScreen.delete(e.target);
    }
    refresh();
  });
  const resize = new ResizeObserver(() => refresh());

  const elements = () => [...root.querySelectorAll(CAMERA_TILES), ...root.querySelectorAll(SCREEN)];

  const rescan = () => {
    const now = new Set(elements());
    for (const el of watched) {
      if (now.has(el)) continue;
      intersection.unobserve(el);
      resize.unobserve(el);
      watched.delete(el);
      onScreen.delete(el);
    }
    for (const el of now) {
      if (watched.has(el)) continue;
      watched.add(el);
      intersection.observe(el);
      resize.observe(el);
    }
  };

  const send = () => {
    timer = undefined;
    rescan();
    const tiles: TileView[] = [];
    if (document.visibilityState !== 'hidden') {
      for (const el of watched) {
        const id = (el as HTMLElement).dataset.participantId;
        const rect = el.getBoundingClientRect();
        if (!id || !onScreen.has(el) || (el as HTMLElement).hidden || rect.height === 0) continue;
        const px = (v: number) => Math.round((v * devicePixelRatio) / HEIGHT_STEP) * HEIGHT_STEP;
        tiles.push({ participantId: id, source: el.matches(SCREEN) ? 'screen' : 'camera', width: px(rect.width), height: px(rect.height) });
      }
    }
    tiles.sort((a, b) => (a.participantId + a.source).localeCompare(b.participantId + b.source));
    const pin = pinned();
    const key = JSON.stringify([tiles, pin]);
    if (key === sent) return;
    sent = key;
    report(tiles, pin);
  };

  function refresh(): void {
    timer ??= setTimeout(send, SETTLE_MS);
  }

  const mutations = new MutationObserver(refresh);
  mutations.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden', 'data-participant-id', 'data-own'] });
  document.addEventListener('visibilitychange', refresh);
  refresh();

  return {
    refresh,
    dispose: () => {
      clearTimeout(timer);
      intersection.disconnect();
      resize.disconnect();
      mutations.disconnect();
      document.removeEventListener('visibilitychange', refresh);
    },
  };
}
