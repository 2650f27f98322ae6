// The baseline of bench:content: a plain static file server (serve-static on node:http) over the same storage folder
// the sync server delivers from. STATIC_ROOT is that folder, PORT the port; /ready answers 200 once listening.
import http from 'node:http';
import serveStatic from 'serve-static';

const serve = serveStatic(process.env.STATIC_ROOT!, { index: false, fallthrough: true });
const server = http.createServer((req, res) => {
  if (req.url === '/ready') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
    return;
  }
  serve(req, res, () => {
    res.writeHead(404).end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
