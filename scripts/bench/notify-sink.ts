// The loopback SMTP sink of bench:notify, in its own process (as a mail server would be): accepts every message,
// keeps nothing, and prints `listening <port>` then `accepted <count> <epoch ms>` every 1,000 messages.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

let accepted = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  disableReverseLookup: true,
  logger: false,
  onData(stream, _session, cb) {
    stream.on('data', () => {});
    stream.on('end', () => {
      accepted += 1;
      if (accepted % 1000 === 0) process.stdout.write(`accepted ${accepted} ${Date.now()}\n`);
      cb();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
