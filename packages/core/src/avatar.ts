/** The avatar rule on its own (no schema library), so a page that only checks avatars stays small. */
import { LIMITS } from './limits.js';

/**
 * Avatars on the wire: an absolute `https:` URL, or a small inline `data:image/…;base64,` picture.
 * Nothing else (no `http:`, `blob:`, `javascript:` or relative URLs), so a member cannot make
 * every browser in the room load an insecure or script URL; a room can narrow https further to
 * an allow-list of origins (`avatarOrigins` in its config, checked by the authority).
 */
export function isWireAvatar(url: string): boolean {
  if (typeof url !== 'string' || url.length > LIMITS.maxAvatarLength) return false;
  if (url.startsWith('data:')) return /^data:image\/(png|jpeg|gif|webp|avif);base64,[A-Za-z0-9+/]+={0,2}$/.test(url);
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === 'https:' &&
      parsed.href.length <= LIMITS.maxAvatarLength &&
      parsed.username === '' &&
      parsed.password === ''
    );
  } catch {
    return false;
  }
}
