/** Copy the meeting link and say so. */
import { copyText } from '../clipboard.js';
import { meetingUrl } from '../routes.js';
import { showToast } from './toast.js';

export async function copyInviteLink(meetingId: string): Promise<void> {
  const link = meetingUrl(meetingId);
  if (await copyText(link)) showToast('controls.linkCopied');
  else showToast('controls.copyFailed', { link }, 12_000);
}
