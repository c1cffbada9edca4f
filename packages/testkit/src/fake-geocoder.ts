import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * A fake Yandex Geocoder (HTTP API, JSON format) for tests: the same request parameters and the
 * same answer shape as https://geocode-maps.yandex.ru/v1 (`response.GeoObjectCollection` with
 * `featureMember[].GeoObject` — `Point.pos` "lon lat", `metaDataProperty.GeocoderMetaData`
 * precision/kind/text). Addresses are scripted; everything else is "found 0". It can answer
 * with an HTTP error or hang (the client's timeout), and it records every request.
 */

export type YandexPrecision = 'exact' | 'number' | 'near' | 'range' | 'street' | 'other';

export interface FakeGeoObject {
  lat: number;
  lon: number;
  precision: YandexPrecision;
  /** Yandex `kind` (house, street, district, locality…); default from the precision. */
  kind?: string;
  /** The full address text; default "Россия, " + the request. */
  text?: string;
}

export interface FakeGeocoderRequest {
  geocode: string;
  apikey: string | undefined;
  lang: string | undefined;
  format: string | undefined;
  ll: string | undefined;
  at: number;
}

type Failure = { kind: 'status'; status: number } | { kind: 'hang' };

const normalize = (s: string) =>
  s
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s,]+/g, ' ')
    .trim();

const ERROR_NAMES: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export class FakeYandexGeocoder {
  readonly requests: FakeGeocoderRequest[] = [];
  private readonly objects = new Map<string, FakeGeoObject>();
  private readonly failures: Failure[] = [];
  private readonly hanging = new Set<FastifyReply>();
  private app: FastifyInstance | null = null;

  constructor(readonly apiKey = 'test-geocoder-key') {}

  /** Scripts the answer for a `geocode` text (compared ignoring case, ё, commas and spacing). */
  add(geocode: string, object: FakeGeoObject): this {
    this.objects.set(normalize(geocode), object);
    return this;
  }

  /** The next `times` requests get this HTTP status with Yandex's error body. */
  failNext(status: number, times = 1): this {
    for (let i = 0; i < times; i++) this.failures.push({ kind: 'status', status });
    return this;
  }

  /** The next `times` requests never get an answer (until stop): the client must time out. */
  hangNext(times = 1): this {
    for (let i = 0; i < times; i++) this.failures.push({ kind: 'hang' });
    return this;
  }

  /** Listens on 127.0.0.1; returns the API root to configure, e.g. http://127.0.0.1:41234/v1. */
  async start(): Promise<string> {
    const app = Fastify({ logger: false, forceCloseConnections: true });
    app.get('/v1', (req, reply) => this.onRequest(req, reply));
    app.get('/v1/', (req, reply) => this.onRequest(req, reply));
    await app.listen({ port: 0, host: '127.0.0.1' });
    this.app = app;
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    const app = this.app;
    this.app = null;
    for (const reply of this.hanging) reply.raw.destroy();
    this.hanging.clear();
    await app?.close();
  }

  private onRequest(req: FastifyRequest, reply: FastifyReply) {
    const q = req.query as Record<string, string | undefined>;
    this.requests.push({
      geocode: q.geocode ?? '',
      apikey: q.apikey,
      lang: q.lang,
      format: q.format,
      ll: q.ll,
      at: Date.now(),
    });
    const failure = this.failures.shift();
    if (failure?.kind === 'hang') {
      this.hanging.add(reply);
      return reply; // never sent
    }
    if (failure) return this.error(reply, failure.status, 'scripted failure');
    if (q.apikey !== this.apiKey) return this.error(reply, 403, 'Invalid api key');
    if (!q.geocode) return this.error(reply, 400, "Parameter 'geocode' must be specified");
    if (q.format !== 'json') return this.error(reply, 400, 'This fake speaks format=json only');
    const object = this.objects.get(normalize(q.geocode));
    return reply.send(this.collection(q.geocode, object));
  }

  private error(reply: FastifyReply, status: number, message: string) {
    return reply.code(status).send({ statusCode: status, error: ERROR_NAMES[status] ?? 'Error', message });
  }

  private collection(request: string, o: FakeGeoObject | undefined) {
    const meta = { request, results: '1', found: o ? '1' : '0' };
    if (!o)
      return {
        response: {
          GeoObjectCollection: { metaDataProperty: { GeocoderResponseMetaData: meta }, featureMember: [] },
        },
      };
    const text = o.text ?? `Россия, ${request}`;
    const kind =
      o.kind ?? (o.precision === 'street' ? 'street' : o.precision === 'other' ? 'locality' : 'house');
    const d = 0.002;
    return {
      response: {
        GeoObjectCollection: {
          metaDataProperty: { GeocoderResponseMetaData: meta },
          featureMember: [
            {
              GeoObject: {
                metaDataProperty: {
                  GeocoderMetaData: {
                    precision: o.precision,
                    text,
                    kind,
                    Address: {
                      country_code: 'RU',
                      formatted: text,
                      Components: [{ kind: 'country', name: 'Россия' }],
                    },
                  },
                },
                name: text.split(', ').slice(-2).join(', '),
                description: 'Россия',
                boundedBy: {
                  Envelope: {
                    lowerCorner: `${o.lon - d} ${o.lat - d}`,
                    upperCorner: `${o.lon + d} ${o.lat + d}`,
                  },
                },
                Point: { pos: `${o.lon} ${o.lat}` },
              },
            },
          ],
        },
      },
    };
  }
}
