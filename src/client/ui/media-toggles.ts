/**
 * Microphone and camera toggle buttons (ids `toggle-audio`, `toggle-video`), used on the pre-join
 * screen and in the call (never both on one page). aria-pressed="true" means muted / camera off.
 */
import type { MediaKind } from '../../protocol/messages.js';
import { h, setPressed } from '../dom.js';
import { icon, setIcon } from '../icons.js';
import { translateAttr } from '../i18n/index.js';
import type { LocalMedia } from '../media/local-media.js';

export interface MediaToggle {
  el: HTMLButtonElement;
  update(): void;
}

export function mediaToggle(kind: MediaKind, media: LocalMedia, setMuted: (muted: boolean) => void): MediaToggle {
  const button = h('button', { type: 'button', id: `toggle-${kind}`, class: 'round-button' }, icon(kind === 'audio' ? 'mic' : 'camera'));
  const update = () => {
    const unavailable = !media.has(kind) && !media.acquiring;
    const muted = unavailable || media.isMutedByChoice(kind);
    button.disabled = unavailable;
    setPressed(button, muted);
    button.classList.toggle('round-button--off', muted);
    setIcon(button, kind === 'audio' ? (muted ? 'micOff' : 'mic') : muted ? 'cameraOff' : 'camera');
    const key = kind === 'audio' ? (unavailable ? 'controls.micUnavailable' : 'controls.mic') : unavailable ? 'controls.cameraUnavailable' : 'controls.camera';
    translateAttr(button, 'aria-label', key);
    translateAttr(button, 'title', key);
  };
  button.addEventListener('click', () => {
    if (button.disabled) return;
    setMuted(!media.isMutedByChoice(kind));
  });
  update();
  return { el: button, update };
}
