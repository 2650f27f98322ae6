// The baseline: a bare Express 5 "hello" route, measured with the same load tool in the same run.
import express from 'express';

const app = express();
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
app.get('/ready', (_req, res) => {
  res.json({ status: 'ready' });
});
app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
