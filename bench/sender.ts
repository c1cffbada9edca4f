/** `pnpm bench:sender`: notifications sender throughput (see the module for the scenarios). */
import { runSenderBench } from '../services/notifications-sender/test/bench/throughput';

runSenderBench().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
