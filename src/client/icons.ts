/**
 * Inline SVG icons (24x24, stroked with currentColor), built with createElementNS: no icon font,
 * no external file, nothing for the CSP to object to. Decorative: the button carries the name.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

const MIC = ['M9 5a3 3 0 0 1 6 0v6a3 3 0 0 1-6 0z', 'M5 10v1a7 7 0 0 0 14 0v-1', 'M12 18v3', 'M8.5 21h7'];
const CAMERA = ['M3 8a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z', 'M16 10.5l5-3v9l-5-3z'];
const SLASH = 'M3 3l18 18';

const ICONS = {
  mic: MIC,
  micOff: [...MIC, SLASH],
  camera: CAMERA,
  cameraOff: [...CAMERA, SLASH],
  link: [
    'M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-5.66-5.66l-1 1',
    'M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 5.66 5.66l1-1',
  ],
  leave: ['M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4', 'M9 16l-4-4 4-4', 'M5 12h10'],
  globe: ['M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z', 'M3.5 9h17', 'M3.5 15h17', 'M12 3c-3 3.5-3 14.5 0 18', 'M12 3c3 3.5 3 14.5 0 18'],
  alert: ['M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z', 'M12 7.5v5.5', 'M12 16.5v.01'],
  check: ['M5 12.5l4.5 4.5L19 7.5'],
  plus: ['M12 5v14', 'M5 12h14'],
  key: ['M8 11a4 4 0 1 0 0 8a4 4 0 1 0 0-8z', 'M10.8 12.2L19 4', 'M16 7l3 3', 'M14 9l2 2'],
  users: ['M9 11a4 4 0 1 0 0-8a4 4 0 1 0 0 8z', 'M2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1', 'M16 3.5a4 4 0 0 1 0 7', 'M19 14.5a6 6 0 0 1 3 5.5v1'],
  lock: ['M5 11h14v10H5z', 'M8 11V7a4 4 0 0 1 8 0v4'],
  unlock: ['M5 11h14v10H5z', 'M8 11V7a4 4 0 0 1 7.75-1.4'],
  chat: ['M5 4h14a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-7l-5 4v-4H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z'],
  send: ['M21 3L10 14', 'M21 3l-7 18-4-7-7-4z'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  hand: [
    'M18 11V6a2 2 0 0 0-4 0',
    'M14 10V4a2 2 0 0 0-4 0v2',
    'M10 10.5V6a2 2 0 0 0-4 0v8',
    'M18 8a2 2 0 1 1 4 0v6a8 8 0 0 1-8 8h-2c-2.8 0-4.5-.86-6-2.34l-3.6-3.6a2 2 0 0 1 2.83-2.82L7 15',
  ],
  smile: ['M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z', 'M8 14s1.5 2 4 2 4-2 4-2', 'M9 9.5h.01', 'M15 9.5h.01'],
  pin: ['M12 17v5', 'M9 4h6', 'M10 4v6l-3 4h10l-3-4V4', 'M7 14h10'],
  speakerView: ['M3 4h18v11H3z', 'M3 18h5v3H3z', 'M10 18h4v3h-4z', 'M16 18h5v3h-5z'],
  speaker: ['M4 9h4l5-4v14l-5-4H4z', 'M16.5 8.5a5 5 0 0 1 0 7', 'M19 6a8.5 8.5 0 0 1 0 12'],
  screenShare: ['M3 4h18v12H3z', 'M8 20h8', 'M12 16v4', 'M12 13V7.5', 'M9 10l3-3 3 3'],
} satisfies Record<string, string[]>;

export type IconName = keyof typeof ICONS;

export function icon(name: IconName, className = 'icon'): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '24');
  svg.setAttribute('height', '24');
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '2');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', className);
  for (const d of ICONS[name]) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.appendChild(path);
  }
  return svg;
}

/** Swap the icon inside a button (first <svg> child). */
export function setIcon(el: Element, name: IconName): void {
  const old = el.querySelector('svg');
  const next = icon(name, old?.getAttribute('class') ?? 'icon');
  if (old) old.replaceWith(next);
  else el.prepend(next);
}
