// `pnpm dev`'s process runner (started by scripts/dev.sh): the services side by side with
// coloured, prefixed output, through concurrently's API rather than its CLI so that stopping
// is quiet. A service that exits with code 0 (the graceful stop) is not announced: dev.sh
// closes with one line saying everything stopped. A non-zero exit is shown at once, shortly
// ("[sender] exited with code 1", not the whole command line), and makes the exit code 1.
//
//   node infra/scripts/dev-services.mjs NAME COLOR COMMAND [NAME COLOR COMMAND …]
//
// SIGINT/SIGTERM/SIGHUP reach each service once (concurrently's KillOnSignal); a service stopped
// by SIGINT counts as exit code 0, as in the CLI.
import process from 'node:process';
import { createConcurrently, KillOnSignal, LogError, Logger, LogOutput } from 'concurrently';

const args = process.argv.slice(2);
if (args.length === 0 || args.length % 3 !== 0) {
  process.stderr.write('usage: dev-services.mjs NAME COLOR COMMAND [NAME COLOR COMMAND …]\n');
  process.exit(2);
}
const services = [];
for (let i = 0; i < args.length; i += 3) {
  services.push({ name: args[i], prefixColor: args[i + 1], command: args[i + 2] });
}

const logger = new Logger({ prefixFormat: '[{name}]' });
// Pads every prefix to the longest "[name]", like the CLI's --pad-prefix.
logger.setPrefixLength(Math.max(...services.map((s) => s.name.length + 2)));

/** Announces only the exits that are not a clean stop. */
const logFailedExit = {
  handle(commands) {
    for (const command of commands) {
      command.close.subscribe(({ exitCode }) => {
        if (exitCode !== 0) logger.logCommandEvent(`exited with code ${exitCode}`, command);
      });
    }
    return { commands };
  },
};

const abortController = new AbortController();
const { result } = createConcurrently(services, {
  logger,
  outputStream: process.stdout,
  abortSignal: abortController.signal,
  controllers: [
    new LogError({ logger }),
    new LogOutput({ logger }),
    // Before logFailedExit: it turns "stopped by our SIGINT" into exit code 0.
    new KillOnSignal({ process, abortController }),
    logFailedExit,
  ],
});

result.then(
  () => {
    process.exitCode = 0;
  },
  () => {
    process.exitCode = 1;
  },
);
