/**
 * Pre-join device choice: camera, microphone (with a level meter, to see that it hears you) and,
 * where the browser can route audio to a chosen output (`setSinkId`), the speaker. The lists follow
 * devices being plugged in and out; a kind with nothing to choose from is not shown. Choices are
 * LocalMedia's, so they apply to the preview at once and stay for the call.
 */
import { h } from '../dom.js';
import { icon, type IconName } from '../icons.js';
import { t, translate, translateAttr, onLanguageChange, type MessageKey } from '../i18n/index.js';
import { LevelMeter } from '../media/level-meter.js';
import type { DeviceKind, LocalMedia } from '../media/local-media.js';

const FIELDS: { kind: DeviceKind; id: string; label: MessageKey; icon: IconName }[] = [
  { kind: 'videoinput', id: 'device-camera', label: 'devices.camera', icon: 'camera' },
  { kind: 'audioinput', id: 'device-microphone', label: 'devices.microphone', icon: 'mic' },
  { kind: 'audiooutput', id: 'device-speaker', label: 'devices.speaker', icon: 'speaker' },
];

/** The meter is read this often; the bar's CSS transition smooths the steps. */
const METER_INTERVAL_MS = 100;

export function canChooseOutput(): boolean {
  return 'setSinkId' in HTMLMediaElement.prototype;
}

export function deviceSettings(media: LocalMedia): { el: HTMLElement; update(): void; dispose(): void } {
  const meterBar = h('span', { class: 'level-meter-bar' });
  const meter = h('div', { id: 'mic-level', class: 'level-meter', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0 }, meterBar);
  translateAttr(meter, 'aria-label', 'devices.level');
  const levels = new LevelMeter();

  const fields = FIELDS.filter((f) => f.kind !== 'audiooutput' || canChooseOutput()).map((f) => {
    const select = h('select', { id: f.id, class: 'input device-select' });
    select.addEventListener('change', () => void media.chooseDevice(f.kind, select.value));
    const el = h(
      'div',
      { class: 'device-field', hidden: true },
      h('label', { for: f.id, class: 'device-label' }, icon(f.icon, 'icon icon--small'), translate(h('span'), f.label)),
      select,
      f.kind === 'audioinput' ? meter : null,
    );
    return { ...f, el, select, shown: '' };
  });

  const update = () => {
    for (const field of fields) {
      const devices = media.deviceList(field.kind);
      field.el.hidden = devices.length === 0;
      // Rebuild the options only when the list changed, so an open dropdown isn't disturbed.
      const signature = devices.map((d) => `${d.deviceId}\u0000${d.label}`).join('\u0001');
      if (signature !== field.shown) {
        field.shown = signature;
        field.select.replaceChildren(
          ...devices.map((d, i) => h('option', { value: d.deviceId }, d.label || t('devices.unnamed', { number: i + 1 }))),
        );
      }
      field.select.value = media.device(field.kind);
      if (field.select.selectedIndex < 0) field.select.selectedIndex = 0;
    }
    levels.setTrack(media.track('audio'));
    meter.hidden = !media.track('audio');
  };

  const timer = setInterval(() => {
    const percent = Math.round(levels.level() * 100);
    if (meter.getAttribute('aria-valuenow') === String(percent)) return;
    meter.setAttribute('aria-valuenow', String(percent));
    meterBar.style.setProperty('--level', String(percent / 100));
  }, METER_INTERVAL_MS);
  // Unnamed devices carry a translated fallback label.
  const unsubscribe = onLanguageChange(() => {
    for (const field of fields) field.shown = '';
    update();
  });

  const el = h('div', { id: 'devices', class: 'devices' }, ...fields.map((f) => f.el));
  update();
  return {
    el,
    update,
    dispose: () => {
      clearInterval(timer);
      unsubscribe();
      levels.close();
    },
  };
}
