import { describe, expect, it } from 'vitest';
import { clearedSessionCookie, cookieValue, SESSION_COOKIE, sessionCookie } from './cookies.js';

describe('cookieValue', () => {
  it('finds a cookie among others, with or without spaces', () => {
    expect(cookieValue('a=1; deloton_session=abc; b=2', SESSION_COOKIE)).toBe('abc');
    expect(cookieValue('a=1;deloton_session=abc;b=2', SESSION_COOKIE)).toBe('abc');
    expect(cookieValue('deloton_session=abc', SESSION_COOKIE)).toBe('abc');
  });

  it('keeps what follows the first "=" and drops surrounding quotes', () => {
    expect(cookieValue('x=a=b', 'x')).toBe('a=b');
    expect(cookieValue('x="quoted"', 'x')).toBe('quoted');
    expect(cookieValue('x="', 'x')).toBe('"');
  });

  it('takes the first of a repeated name', () => {
    expect(cookieValue('x=first; x=second', 'x')).toBe('first');
  });

  it('matches the whole name, case and all', () => {
    expect(cookieValue('my_deloton_session=abc', SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue('deloton_session_old=abc', SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue('Deloton_Session=abc', SESSION_COOKIE)).toBeUndefined();
  });

  it('gives undefined for no header, an empty one, or parts without "="', () => {
    expect(cookieValue(undefined, 'x')).toBeUndefined();
    expect(cookieValue('', 'x')).toBeUndefined();
    expect(cookieValue('x; y', 'x')).toBeUndefined();
    expect(cookieValue('x=', 'x')).toBe('');
  });
});

describe('session cookies', () => {
  it('are HttpOnly, SameSite=Strict, for the whole site, with a lifetime', () => {
    expect(sessionCookie('tok', 3600, false)).toBe(
      'deloton_session=tok; HttpOnly; SameSite=Strict; Path=/; Max-Age=3600',
    );
  });

  it('are Secure when asked, and whole seconds never below 0', () => {
    expect(sessionCookie('tok', 1.9, true)).toBe(
      'deloton_session=tok; HttpOnly; SameSite=Strict; Path=/; Max-Age=1; Secure',
    );
    expect(sessionCookie('tok', -5, false)).toMatch(/Max-Age=0$/);
  });

  it('are cleared with an empty value and Max-Age=0', () => {
    expect(clearedSessionCookie(false)).toBe(
      'deloton_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0',
    );
    expect(clearedSessionCookie(true)).toMatch(/; Secure$/);
  });
});
