/**
 * Copy a meeting link and say so. Every link carries the meeting's encryption secret in its fragment;
 * the host link also the host secret.
 */
import { copyText } from '../clipboard.js';
import type { MessageKey } from '../i18n/index.js';
import { guestLink, hostLink } from '../link-secrets.js';
import { showToast } from './toast.js';

async function copyLink(link: string, copied: MessageKey, failed: MessageKey): Promise<void> {
  if (await copyText(link)) showToast(copied);
  else showToast(failed, { link }, 12_000);
}

/** The link for guests (`<origin>/m/<id>#key=<secret>`); `copied` names it as the button did. */
export function copyInviteLink(meetingId: string, meetingKey: string, copied: MessageKey = 'controls.linkCopied'): Promise<void> {
  return copyLink(guestLink(location.origin, meetingId, meetingKey), copied, 'controls.copyFailed');
}

/** The host link (`<origin>/m/<id>#key=…&host=…`): full control, for the host's own use. */
export function copyHostLink(meetingId: string, hostSecret: string, meetingKey: string): Promise<void> {
  return copyLink(hostLink(location.origin, meetingId, hostSecret, meetingKey), 'controls.hostLinkCopied', 'controls.hostLinkCopyFailed');
}
