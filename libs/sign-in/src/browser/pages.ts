import { escapeHtml, hiddenFields, page } from './html';

export interface SignInPageModel {
  /** The client the user is signing in to (its name, else its id). */
  clientName: string;
  /** The authorization request's parameters, posted back with the credentials (a list: one field per value). */
  params: Record<string, string | readonly string[] | undefined>;
  csrf: string;
  username?: string;
  error?: string;
}

/** The sign-in form: labelled fields, the error announced to screen readers, the password never echoed. */
export function signInPage(m: SignInPageModel): string {
  const error = m.error ? `<p class="error" role="alert" id="sign-in-error">${escapeHtml(m.error)}</p>\n` : '';
  const described = m.error ? ' aria-describedby="sign-in-error"' : '';
  return page('Sign in', `<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(m.clientName)}</strong></p>
${error}<form method="post" action="authorize" novalidate>
${hiddenFields({ ...m.params, csrf: m.csrf })}
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required${described} value="${escapeHtml(m.username ?? '')}"${m.username ? '' : ' autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described}${m.username ? ' autofocus' : ''}>
<button type="submit">Sign in</button>
</form>`);
}

/** Asks before ending a session when the request does not show which application asks (RP-Initiated Logout 1.0 §2). */
export function confirmSignOutPage(params: Record<string, string | undefined>, csrf: string, clientName?: string): string {
  const from = clientName ? ` from <strong>${escapeHtml(clientName)}</strong>` : '';
  return page('Sign out', `<h1>Sign out?</h1>
<p>A request${from} asks to end your session at this server. Every application you signed in to through it will be told.</p>
<form method="post" action="end_session">
${hiddenFields({ ...params, csrf })}
<button type="submit" name="confirm" value="yes">Sign out</button>
</form>`);
}

export function signedOutPage(): string {
  return page('Signed out', '<h1>You are signed out</h1>\n<p>Your session at this server has ended. You can close this window.</p>');
}

/** An error the user can read, for requests that cannot be sent back to a client. */
export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p class="error" role="alert">${escapeHtml(message)}</p>`);
}
