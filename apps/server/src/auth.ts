import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type Role } from '@smartmirror/api';
import type { Clock, Tokens } from './deps.ts';

/** Name of the back-office session cookie. */
export const SESSION_COOKIE = 'sm_session';

/** Header carrying the CSRF token on every non-GET request authenticated by cookie. */
export const CSRF_HEADER = 'x-csrf-token';

/** Session lifetime, ms (a working day; the back office logs in again after). */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

// Hashing first makes both sides the same length, so timingSafeEqual never throws and the
// comparison time does not reveal the secret's length either.
function sameSecret(a: string, b: string): boolean {
  const h = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/** A random secret: 32 bytes, base64url. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

interface Session {
  csrf: string;
  expiresAt: number;
}

/** What a request is allowed to do, once authenticated. */
export interface Principal {
  role: Role;
  via: 'bearer' | 'session';
}

/** Authentication and authorisation: one place for tokens, sessions and CSRF. */
export interface Auth {
  /** A preHandler refusing requests without the role (admin may do anything a kiosk may). */
  requireRole(role: Role): (req: FastifyRequest) => Promise<void>;
  /** Who the request is, or null (no or bad credentials). CSRF is not checked here. */
  identify(req: FastifyRequest): Principal | null;
  /** Exchanges the admin token for a session; sets the cookie; returns the CSRF token. */
  login(token: string, reply: FastifyReply): string;
  logout(req: FastifyRequest, reply: FastifyReply): void;
  /** The session of a request (csrf token included), or null. */
  session(req: FastifyRequest): { csrfToken: string } | null;
  /** Replaces the kiosk token in memory (the back office's rotation persists it first). */
  setKioskToken(token: string): void;
}

/** Creates the auth helper. Sessions live in memory: a restart logs the back office out. */
export function createAuth(tokens: Tokens, clock: Clock): Auth {
  const sessions = new Map<string, Session>();

  const sessionOf = (req: FastifyRequest): Session | null => {
    const sid = req.cookies[SESSION_COOKIE];
    if (!sid) return null;
    const s = sessions.get(sid);
    if (!s) return null;
    if (s.expiresAt <= clock.now().getTime()) {
      sessions.delete(sid);
      return null;
    }
    return s;
  };

  const bearerOf = (req: FastifyRequest): string | null => {
    const h = req.headers.authorization;
    if (typeof h !== 'string') return null;
    const m = /^Bearer\s+(.+)$/i.exec(h.trim());
    return m?.[1] ?? null;
  };

  const identify = (req: FastifyRequest): Principal | null => {
    const bearer = bearerOf(req);
    if (bearer !== null) {
      // Compare with both tokens always, so timing does not tell which one nearly matched.
      const admin = sameSecret(bearer, tokens.admin);
      const kiosk = sameSecret(bearer, tokens.kiosk);
      if (admin) return { role: 'admin', via: 'bearer' };
      if (kiosk) return { role: 'kiosk', via: 'bearer' };
      return null;
    }
    return sessionOf(req) ? { role: 'admin', via: 'session' } : null;
  };

  return {
    identify,
    requireRole(role) {
      return (req) => {
        const who = identify(req);
        if (!who) return Promise.reject(new AppError('UNAUTHENTICATED', 'This needs the admin token (or the kiosk token for teaching).'));
        if (role === 'admin' && who.role !== 'admin') return Promise.reject(new AppError('FORBIDDEN', 'The kiosk token may only teach and report events.'));
        if (who.via === 'session' && req.method !== 'GET' && req.method !== 'HEAD') {
          const s = sessionOf(req);
          const sent = req.headers[CSRF_HEADER];
          if (!s || typeof sent !== 'string' || !sameSecret(sent, s.csrf)) {
            return Promise.reject(new AppError('CSRF_FAILED', `Missing or wrong ${CSRF_HEADER} header.`));
          }
        }
        return Promise.resolve();
      };
    },
    login(token, reply) {
      if (!sameSecret(token, tokens.admin)) throw new AppError('UNAUTHENTICATED', 'Wrong admin token.');
      const sid = randomToken();
      const csrf = randomToken();
      sessions.set(sid, { csrf, expiresAt: clock.now().getTime() + SESSION_TTL_MS });
      reply.setCookie(SESSION_COOKIE, sid, { httpOnly: true, sameSite: 'strict', path: '/', maxAge: SESSION_TTL_MS / 1000 });
      return csrf;
    },
    logout(req, reply) {
      const sid = req.cookies[SESSION_COOKIE];
      if (sid) sessions.delete(sid);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
    },
    session(req) {
      const s = sessionOf(req);
      return s ? { csrfToken: s.csrf } : null;
    },
    setKioskToken(token) {
      tokens.kiosk = token;
    },
  };
}
