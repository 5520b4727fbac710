/**
 * Personal invitations, for moderators: name an invitee, get a link bound to that name (optionally
 * single-use), copy it, and revoke invitations. The link's token is shown only here, right after it
 * was made; the server keeps only its hash.
 */
import { DisplayName } from '../../protocol/messages.js';
import { copyText } from '../clipboard.js';
import { h } from '../dom.js';
import { translate, translateAttr } from '../i18n/index.js';
import { inviteLink } from '../link-secrets.js';
import type { CallSession } from '../session/session.js';

export function invitesSection(session: CallSession): { el: HTMLElement; update(): void } {
  const name = h('input', { type: 'text', id: 'invite-name', class: 'input', maxlength: 64, autocomplete: 'off' });
  const singleUse = h('input', { type: 'checkbox', id: 'invite-single-use', class: 'checkbox', checked: true });
  const create = translate(h('button', { type: 'button', id: 'create-invite', class: 'button button--secondary' }), 'panel.invite.create');
  const status = h('p', { id: 'invite-status', class: 'hint', 'aria-live': 'polite' });
  const created = h('div', { id: 'invite-created', class: 'panel-group', hidden: true });
  const list = h('ul', { id: 'invites-list', class: 'people' });

  create.addEventListener('click', () => {
    const parsed = DisplayName.safeParse(name.value);
    if (!parsed.success) {
      translate(status, 'panel.invite.nameEmpty');
      name.focus();
      return;
    }
    status.textContent = '';
    session.send({ type: 'create-invite', name: parsed.data, singleUse: singleUse.checked });
    name.value = '';
  });

  const el = h(
    'section',
    { id: 'invites-section', class: 'panel-section', hidden: true },
    translate(h('h3', { class: 'panel-subtitle' }), 'panel.invites'),
    translate(h('label', { for: 'invite-name', class: 'label' }), 'panel.invite.name'),
    name,
    h('div', { class: 'check-row' }, singleUse, translate(h('label', { for: 'invite-single-use' }), 'panel.invite.singleUse')),
    create,
    status,
    created,
    list,
  );

  const update = () => {
    el.hidden = !session.isModerator;
    const fresh = session.createdInvite;
    created.hidden = !fresh;
    if (fresh) {
      const link = inviteLink(location.origin, session.meetingId, fresh.token, session.meetingKey);
      const field = h('input', { type: 'text', id: 'invite-link', class: 'input', readonly: true, value: link });
      const copy = translate(h('button', { type: 'button', id: 'copy-invite-link', class: 'button button--secondary' }), 'panel.invite.copy');
      copy.addEventListener('click', () => void copyText(link).then((ok) => ok && translate(status, 'panel.invite.copied')));
      created.replaceChildren(translate(h('p', { class: 'hint' }), 'panel.invite.created', { name: fresh.invite.name }), field, copy);
    }
    list.replaceChildren(
      ...session.invites.map((invite) => {
        const state = invite.revoked ? 'panel.invite.revoked' : invite.used ? 'panel.invite.used' : null;
        const revoke = translate(h('button', { type: 'button', class: 'button button--small', 'data-action': 'revoke-invite' }), 'panel.invite.revoke');
        translateAttr(revoke, 'aria-label', 'panel.invite.revokeName', { name: invite.name });
        revoke.addEventListener('click', () => session.send({ type: 'revoke-invite', inviteId: invite.id }));
        return h(
          'li',
          { class: 'person', 'data-invite-id': invite.id },
          h('div', { class: 'person-main' }, h('span', { class: 'person-name' }, invite.name), state ? translate(h('span', { class: 'person-state' }), state) : null),
          invite.revoked ? null : h('div', { class: 'person-actions' }, revoke),
        );
      }),
    );
  };
  return { el, update };
}
