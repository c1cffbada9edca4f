import { timingSafeEqual } from 'node:crypto';
import type { Db } from '@fs/db';
import { optOutPhoneBySms } from '@fs/dispatch';
import type { Logger } from '@fs/observability';
import { isStopRequest, parseSmscInbound } from '@fs/sms';
import type { FastifyInstance } from 'fastify';

/**
 * `POST /sms/inbound/<secret>`: the SMS provider's incoming messages (SMSC posts a virtual
 * number's incoming SMS as a form with `phone` and `mes`). "STOP" switches that number's
 * notices off; anything else is logged. The secret in the path is the only authentication the
 * provider's callback has; a wrong one gets 404, as if the route did not exist.
 */
export function mountSmsInbound(
  app: FastifyInstance,
  deps: { db: Db; logger: Logger; secret: string },
): void {
  const expected = Buffer.from(deps.secret);
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    scope.post<{ Params: { secret: string } }>('/sms/inbound/:secret', async (req, reply) => {
      const given = Buffer.from(req.params.secret);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return reply.code(404).send();
      const sms = parseSmscInbound(req.body);
      if (!sms) {
        deps.logger.warn({}, 'incoming SMS callback without a phone; ignored');
        return reply.code(200).send('OK');
      }
      if (isStopRequest(sms.text)) {
        await optOutPhoneBySms(deps.db, sms.phone);
        deps.logger.info({ phone_tail: sms.phone.slice(-2) }, 'client opted out by SMS');
      } else {
        deps.logger.info(
          { phone_tail: sms.phone.slice(-2), length: sms.text.length },
          'incoming SMS (not STOP)',
        );
      }
      return reply.code(200).send('OK');
    });
  });
}
