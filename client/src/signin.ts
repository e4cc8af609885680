/**
 * The sign-in page (/signin) and the first-admin setup page (/setup#<link secret>). Plain form,
 * posted as JSON so the server's CSRF and content-type checks apply; the secret of a setup link
 * is read from the fragment, which browsers never send to a server.
 */
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('signin-form');
const nameInput = $<HTMLInputElement>('signin-name');
const password = $<HTMLInputElement>('signin-password');
const confirmInput = $<HTMLInputElement>('signin-confirm');
const error = $<HTMLParagraphElement>('signin-error');
const submit = $<HTMLButtonElement>('signin-submit');
const setupToken = location.pathname === '/setup' ? decodeURIComponent(location.hash.slice(1)) : '';

if (location.pathname === '/setup') {
  $('signin-title').textContent = 'Create the first admin';
  $('signin-intro').textContent = 'This one-time link creates the first admin account. Choose a name and a password of at least 10 characters.';
  $('signin-confirm-field').hidden = false;
  password.autocomplete = 'new-password';
  submit.textContent = 'Create admin and sign in';
  if (!setupToken) error.textContent = 'This page needs the setup link printed by the server at start (it ends in #…).';
} else if (new URLSearchParams(location.search).get('setup') === 'needed') {
  $('signin-intro').textContent = 'No account exists yet: open the setup link the server printed at start, or run npm run user -- add NAME --role admin.';
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.textContent = '';
  if (setupToken && password.value !== confirmInput.value) {
    error.textContent = 'The two passwords differ.';
    return;
  }
  submit.disabled = true;
  try {
    const body = { name: nameInput.value.trim(), password: password.value, ...(setupToken ? { token: setupToken } : {}) };
    const res = await fetch(setupToken ? '/api/setup' : '/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    if (res.ok) {
      location.replace('/');
      return;
    }
    const json = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    error.textContent =
      json.error?.code === 'wrong-credentials' ? 'Wrong user name or password.' : (json.error?.message ?? `Sign-in failed (HTTP ${res.status}).`);
    password.value = '';
    confirmInput.value = '';
    password.focus();
  } catch {
    error.textContent = 'The server cannot be reached.';
  } finally {
    submit.disabled = false;
  }
});
