/**
 * The screen stage (`#screen-stage`): a shared screen, shown large for everyone above or beside the
 * tiles (whose camera tiles stay). It shows the newest share, or the one picked in the switcher
 * that appears when several people share; our own share is shown too, with a button to stop it.
 * `data-participant-id` names whose screen is shown, `data-own="true"` marks our own.
 */
import { h, setPressed } from '../dom.js';
import { icon } from '../icons.js';
import { translate, translateAttr } from '../i18n/index.js';
import type { CallSession } from '../session/session.js';

export interface ScreenStage {
  el: HTMLElement;
  /** Whether a screen is on the stage. */
  readonly visible: boolean;
  /** Re-reads the session; true when the stage appeared or went (the tiles must move). */
  update(): boolean;
  dispose(): void;
}

export function screenStage(session: CallSession): ScreenStage {
  const video = h('video', { class: 'screen-video', autoplay: true, playsinline: true, muted: true });
  video.muted = true;
  const caption = h('span', { class: 'screen-caption-text' });
  const stop = h('button', { type: 'button', id: 'stop-screen-share', class: 'button button--small button--danger', hidden: true });
  translate(stop, 'screen.stop');
  stop.addEventListener('click', () => session.stopScreenShare());
  const switcher = h('div', { class: 'screen-switcher', role: 'group', hidden: true });
  translateAttr(switcher, 'aria-label', 'screen.choose');
  const el = h(
    'section',
    { id: 'screen-stage', class: 'screen-stage', hidden: true },
    video,
    h('div', { class: 'screen-caption' }, icon('screenShare', 'icon icon--small'), caption, stop),
    switcher,
  );
  translateAttr(el, 'aria-label', 'screen.stage');

  /** Picked in the switcher; forgotten when a newer share starts, which is then shown. */
  let picked: string | null = null;
  let known: string[] = [];
  let shownTrack: MediaStreamTrack | null = null;
  let visible = false;
  /** What the switcher shows: rebuilt only when this changes, so keyboard focus in it stays. */
  let switcherState = '';

  const nameOf = (id: string) => session.participants.get(id)?.name ?? '';
  const isOwn = (id: string) => id === session.participantId;
  const trackOf = (id: string) => (isOwn(id) ? session.screen.track : (session.remoteMedia.get(id)?.screen ?? null));

  const show = (track: MediaStreamTrack | null) => {
    if (track === shownTrack) return;
    shownTrack = track;
    video.srcObject = track ? new MediaStream([track]) : null;
    if (track) video.play().catch(() => undefined);
  };

  const update = (): boolean => {
    const ids = session.screenShares.ids();
    if (ids.some((id) => !known.includes(id))) picked = null;
    known = ids;
    const shown = picked !== null && ids.includes(picked) ? picked : (ids.at(-1) ?? null);
    const wasVisible = visible;
    visible = shown !== null;
    el.hidden = !visible;
    show(shown === null ? null : trackOf(shown));
    if (shown === null) {
      delete el.dataset.participantId;
    } else {
      el.dataset.participantId = shown;
      el.dataset.own = String(isOwn(shown));
      stop.hidden = !isOwn(shown);
      if (isOwn(shown)) translate(caption, 'screen.own');
      else translate(caption, 'screen.of', { name: nameOf(shown) });
    }
    switcher.hidden = ids.length < 2;
    const state = JSON.stringify([shown, ids.map((id) => [id, nameOf(id)])]);
    if (state === switcherState) return visible !== wasVisible;
    switcherState = state;
    switcher.replaceChildren(
      ...(ids.length < 2 ? [] : ids).map((id) => {
        const b = h('button', { type: 'button', class: 'button button--small', 'data-screen-of': id });
        if (isOwn(id)) translate(b, 'screen.chooseOwn');
        else translate(b, 'screen.of', { name: nameOf(id) });
        setPressed(b, id === shown);
        b.addEventListener('click', () => {
          picked = id;
          update();
        });
        return b;
      }),
    );
    return visible !== wasVisible;
  };

  return {
    el,
    get visible() {
      return visible;
    },
    update,
    dispose: () => show(null),
  };
}
