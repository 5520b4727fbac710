/** `/`: what this is, and one button that creates a meeting and goes there. */
import { CreateMeetingResponse } from '../../protocol/messages.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { translate, type MessageKey, type Params } from '../i18n/index.js';
import { meetingPath } from '../routes.js';
import { topBar } from './top-bar.js';

type CreateResult = { ok: true; meetingId: string } | { ok: false; key: MessageKey; params?: Params };

export async function createMeeting(): Promise<CreateResult> {
  let res: Response;
  try {
    res = await fetch('/api/meetings', { method: 'POST', credentials: 'same-origin', cache: 'no-store' });
  } catch {
    return { ok: false, key: 'home.error.network' };
  }
  if (!res.ok) {
    const forbidden = res.status === 401 || res.status === 403;
    return { ok: false, key: forbidden ? 'home.error.forbidden' : 'home.error.status', params: { status: res.status } };
  }
  try {
    const parsed = CreateMeetingResponse.safeParse(await res.json());
    if (parsed.success) return { ok: true, meetingId: parsed.data.meetingId };
  } catch {
    /* not JSON */
  }
  return { ok: false, key: 'home.error.response' };
}

export function homeView(): HTMLElement {
  const startLabel = translate(h('span'), 'home.start');
  const start = h('button', { type: 'button', id: 'start-meeting', class: 'button button--primary button--large' }, icon('plus'), startLabel);
  const error = h('p', { id: 'home-error', class: 'error-message', role: 'alert', hidden: true });

  start.addEventListener('click', async () => {
    start.disabled = true;
    start.setAttribute('aria-busy', 'true');
    translate(startLabel, 'home.starting');
    error.hidden = true;
    const result = await createMeeting();
    if (result.ok) {
      location.assign(meetingPath(result.meetingId));
      return;
    }
    translate(error, result.key, result.params);
    error.hidden = false;
    start.disabled = false;
    start.removeAttribute('aria-busy');
    translate(startLabel, 'home.start');
    start.focus();
  });

  return h(
    'div',
    { class: 'page' },
    topBar(),
    h(
      'main',
      { class: 'home' },
      h('div', { class: 'home-mark', 'aria-hidden': 'true' }, icon('camera', 'icon icon--large')),
      translate(h('h1', { class: 'home-title' }), 'app.name'),
      translate(h('p', { class: 'lead' }), 'home.lead'),
      start,
      error,
      translate(h('p', { class: 'fine-print' }), 'home.privacy', { host: location.host }),
    ),
  );
}
