'use strict';
// The floor for a delivery: a bare node:http script making the same four requests a trigger makes (create the
// channel, look the alert users up, add them, post the opening post) to the same fake Mattermost, with one
// keep-alive connection. Nothing of the tool: no config, no parsing beyond the body, no state files.
const http = require('node:http');

const [base, token, teamId, body] = process.argv.slice(2);
const incident = JSON.parse(body).messages[0].incident;
const agent = new http.Agent({ keepAlive: true });
const url = new URL(base);

function request(method, path, payload) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(payload);
    const req = http.request({ host: url.hostname, port: url.port, method, path: `/api/v4${path}`, agent, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode < 300 ? resolve(JSON.parse(text)) : reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(data);
  });
}

(async () => {
  const name = `floor-${incident.id.toLowerCase()}`;
  const [channel, users] = await Promise.all([
    request('POST', '/channels', { team_id: teamId, name, display_name: `#${incident.incident_number} ${incident.title}`.slice(0, 64), type: 'P', header: `Triggered · ${incident.title}`, purpose: 'floor' }),
    request('POST', '/users/usernames', ['alice', 'bob', 'carol']),
  ]);
  await request('POST', `/channels/${channel.id}/members`, { user_ids: users.map((u) => u.id) });
  await request('POST', '/posts', { channel_id: channel.id, message: `Triggered: ${incident.title}`, props: { record: { incident_id: incident.id } } });
  agent.destroy();
})().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
