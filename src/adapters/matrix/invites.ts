/**
 * Invites: the bot joins a room only when the inviter is allowed to use it, and
 * declines every other invite (so strangers cannot pull the bot into rooms). A
 * direct-chat invite (`is_direct`) is recorded in the bot's `m.direct` so the
 * room stays a DM even if more people join later.
 */
import { EventType, type MatrixClient } from 'matrix-js-sdk';
import type { AdapterLogger } from '../contract.ts';
import { withDirectRoom } from './chat-kind.ts';

/** One invite of the bot. */
export interface Invite {
  roomId: string;
  inviter: string;
  isDirect: boolean;
}

/** What happened to an invite. */
export type InviteOutcome = 'joined' | 'declined' | 'failed';

/**
 * Joins or declines an invite.
 *
 * @param isAllowedInviter the gateway's allowlist check
 */
export async function answerInvite(
  client: MatrixClient,
  invite: Invite,
  isAllowedInviter: (userId: string) => boolean,
  log: AdapterLogger,
): Promise<InviteOutcome> {
  const { roomId, inviter } = invite;
  if (!isAllowedInviter(inviter)) {
    log.warn({ roomId, inviter }, 'declining a Matrix invite from a user who is not allowed');
    try {
      await client.leave(roomId);
      return 'declined';
    } catch (error) {
      log.warn({ roomId, inviter, err: String(error) }, 'declining the Matrix invite failed');
      return 'failed';
    }
  }
  try {
    await client.joinRoom(roomId);
    log.info({ roomId, inviter }, 'joined a Matrix room on invite');
  } catch (error) {
    log.warn({ roomId, inviter, err: String(error) }, 'joining the Matrix room failed');
    return 'failed';
  }
  if (invite.isDirect) {
    const direct = withDirectRoom(client, inviter, roomId);
    if (direct) {
      await client
        .setAccountData(EventType.Direct, direct)
        .catch((error) => log.warn({ roomId, err: String(error) }, 'recording the direct chat failed'));
    }
  }
  return 'joined';
}
