import assert from 'node:assert/strict';
import { test } from 'node:test';
import { html } from '../../src/dashboard/html';
import { hashPassword, verifyPassword } from '../../src/accounts/password';
import { statusPill } from '../../src/dashboard/overview-page';

test('html escapes every interpolated value, nested html passes through once', () => {
  const name = `<script>alert("x")</script> & O'Brien`;
  const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien';
  const row = html`<td title="${name}">${name}</td>`;
  const markup = html`<tr>
    ${[row]}
  </tr>`.value.replace(/>\s+</g, '><');
  assert.equal(markup, `<tr><td title="${escaped}">${escaped}</td></tr>`);
  assert.equal(html`${undefined}${null}${false}${0}`.value, '0');
});

test('a password verifies against its scrypt hash and nothing else does', async () => {
  const stored = await hashPassword('a long enough password');
  assert.match(stored, /^scrypt\$32768\$8\$1\$/);
  assert.equal(await verifyPassword('a long enough password', stored), true);
  assert.equal(await verifyPassword('a long enough passworD', stored), false);
  assert.notEqual(await hashPassword('a long enough password'), stored, 'salted');
});

test('every run status has its pill: a cancelled run is a warning, not an error', () => {
  assert.equal(statusPill('cancelled').value, '<span class="pill warning">cancelled</span>');
  assert.equal(statusPill('failed').value, '<span class="pill bad">failed</span>');
  assert.equal(statusPill('completed').value, '<span class="pill ok">completed</span>');
  assert.equal(statusPill('running').value, '<span class="pill info">running</span>');
});
