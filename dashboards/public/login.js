import { chosenLanguage, errorText, forgetChosenLanguage, languageSwitch, loadCatalogue, t } from './i18n.js';

const form = document.getElementById('login');
const error = document.getElementById('error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  const data = new FormData(form);
  const res = await fetch('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: data.get('username'), password: data.get('password') }),
  });
  if (res.ok) {
    // A language picked on this page is what the user just asked for: it becomes their preference.
    const chosen = chosenLanguage();
    if (chosen) {
      await fetch('/api/me', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ language: chosen }),
      });
      forgetChosenLanguage();
    }
    location.href = '/';
    return;
  }
  const body = await res.json().catch(() => ({}));
  error.textContent =
    body.code || body.error ? errorText(body, res.status) : t('login.failed', { status: res.status });
});

// After the submit handler, so a form sent while the catalogue loads is never sent by the browser itself.
await loadCatalogue();
languageSwitch(() => false);
