/**
 * Container HEALTHCHECK: GET /health/live on the service's HTTP_PORT (or the service's default
 * port from packages/config). Liveness, not readiness: a replica waiting for Postgres or Redis
 * is alive and is not restarted; readiness (/health/ready) is for load balancers and k8s.
 * The 8 s limit sits inside the HEALTHCHECK's 10 s: node's own start-up takes seconds on a
 * starved host, and a slow answer is not a dead service.
 */
const DEFAULT_PORTS = {
  'admin-bot': 8081,
  'master-bot': 8082,
  'distribution-scheduler': 8083,
  'notifications-sender': 8084,
};
const port = process.env.HTTP_PORT || DEFAULT_PORTS[process.env.SERVICE] || 8080;
const path = process.argv[2] || '/health/live';

fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(8000) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1));
