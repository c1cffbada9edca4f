/**
 * Distribution throughput: 100 cities, 50,000 masters, 10,000 searching orders in a fresh
 * database; N in-process scheduler instances; time until every order has its first offer.
 * Not a test: prints its figures and cleans up.
 *
 *   pnpm bench:distribution
 *   BENCH_INSTANCES=2 BENCH_CONCURRENCY=8 BENCH_ORDERS=10000 BENCH_MASTERS=50000 BENCH_ON_SHIFT=0.9 pnpm bench:distribution
 */
import { runDistributionBench } from '../services/distribution-scheduler/test/bench/throughput';

runDistributionBench().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
