/**
 * The browser's way in (decision 0013): `/login` asks for a token and keeps it in an
 * HttpOnly, SameSite=Strict cookie, which the auth middleware accepts as it accepts a bearer
 * header — so the dashboard, `/queues` and the docs' pages work in a browser without script
 * access to the token. SameSite=Strict keeps other sites' pages from sending it (CSRF).
 * `POST /logout` clears it.
 */
import type { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { UnauthenticatedError } from '../../core/errors.js';
import { authenticateToken, TOKEN_COOKIE, type Authenticator } from './authenticate.js';

/**
 * Where a login goes next: a local path only (never `//host`, which would leave the site).
 * `#` is allowed: the dashboard's routes are fragments (`/#/wf/<key>`).
 */
function nextPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)[\w\-./?=&%#]*$/.test(value) ? value : '/';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function page(next: string, message?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>jobgraph — sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}
input{width:100%;padding:.5rem;margin:.5rem 0;font-family:monospace}button{padding:.5rem 1rem}
.error{color:#b00020}</style></head>
<body><h1>jobgraph</h1>
<form method="post" action="/login">
<label for="token">API token (<code>jobgraph token create</code>)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<input type="hidden" name="next" value="${escapeHtml(next)}">
${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ''}
<button type="submit">Sign in</button>
</form></body></html>`;
}

/** Longest login form read: a token and a path. */
const MAX_FORM_BYTES = 4096;

/** Mount `/login` and `/logout` on `app`. */
export function loginRoutes(app: Hono, auth: Authenticator): void {
  app.get('/login', (c) => c.html(page(nextPath(c.req.query('next')))));
  app.post('/login', async (c) => {
    if (Number(c.req.header('content-length') ?? 0) > MAX_FORM_BYTES) {
      return c.html(page('/', 'the form is too large'), 413);
    }
    const form = await c.req.parseBody();
    const next = nextPath(form.next);
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    try {
      await authenticateToken(auth, token);
    } catch (err) {
      if (err instanceof UnauthenticatedError) return c.html(page(next, err.message), 401);
      throw err;
    }
    setCookie(c, TOKEN_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
    });
    return c.redirect(next, 303);
  });
  app.post('/logout', (c) => {
    deleteCookie(c, TOKEN_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });
}
