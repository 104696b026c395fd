import assert from 'node:assert/strict';
import { test } from 'node:test';
import { html } from '../../src/dashboard/html';
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

test('every run status has its pill: a cancelled run is a warning, not an error', () => {
  assert.equal(statusPill('cancelled').value, '<span class="pill warning">cancelled</span>');
  assert.equal(statusPill('failed').value, '<span class="pill bad">failed</span>');
  assert.equal(statusPill('completed').value, '<span class="pill ok">completed</span>');
  assert.equal(statusPill('running').value, '<span class="pill info">running</span>');
});
