import type { ApiResponse, ScriptedError } from './types';

/** A Bot API error answer; thrown by method handlers, turned into `{ ok: false, ... }`. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }

  toResponse(): ApiResponse {
    return this.retryAfter === undefined
      ? { ok: false, error_code: this.code, description: this.description }
      : {
          ok: false,
          error_code: this.code,
          description: this.description,
          parameters: { retry_after: this.retryAfter },
        };
  }
}

export const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);

export const DESCRIPTIONS = {
  chatNotFound: 'Bad Request: chat not found',
  blocked: 'Forbidden: bot was blocked by the user',
  deactivated: 'Forbidden: user is deactivated',
  cantInitiate: "Forbidden: bot can't initiate conversation with a user",
  notModified:
    'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  editNotFound: 'Bad Request: message to edit not found',
  deleteNotFound: 'Bad Request: message to delete not found',
  queryTooOld: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
  wrongFileId: 'Bad Request: wrong file identifier/HTTP URL specified',
  methodNotFound: 'Not Found: method not found',
  unauthorized: 'Unauthorized',
  conflictWebhook:
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  conflictPolling:
    'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
} as const;

export const tooManyRequests = (retryAfter: number) =>
  new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);

/**
 * The HTTP answer for a scripted failure. 5xx come back the way Telegram's front end sends
 * them (telegraf reports `res.statusText` for any status >= 500, whatever the body).
 */
export function scriptedAnswer(
  error: ScriptedError,
): { status: number; body: ApiResponse; raw?: string } | 'network' | 'hang' {
  switch (error.kind) {
    case 'rate_limit':
      return answer(tooManyRequests(error.retryAfter));
    case 'blocked':
      return answer(new ApiError(403, DESCRIPTIONS.blocked));
    case 'deactivated':
      return answer(new ApiError(403, DESCRIPTIONS.deactivated));
    case 'cant_initiate':
      return answer(new ApiError(403, DESCRIPTIONS.cantInitiate));
    case 'chat_not_found':
      return answer(new ApiError(400, DESCRIPTIONS.chatNotFound));
    case 'bad_request':
      return answer(
        new ApiError(
          400,
          error.description.startsWith('Bad Request:')
            ? error.description
            : `Bad Request: ${error.description}`,
        ),
      );
    case 'server_error': {
      if (error.code === 502) {
        return {
          status: 502,
          body: { ok: false, error_code: 502, description: 'Bad Gateway' },
          raw: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n',
        };
      }
      return answer(new ApiError(500, 'Internal Server Error'));
    }
    case 'network':
    case 'hang':
      return error.kind;
  }
}

function answer(e: ApiError) {
  return { status: e.code, body: e.toResponse() };
}
