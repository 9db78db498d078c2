import { isErrorCode, lookup, nearMatches, type ErrorCode } from '../catalog.js';
import type { ClassroomApiError } from '../error.js';
import { de } from './de.js';
import { en } from './en.js';
import { it } from './it.js';
import { ja } from './ja.js';
import { ru } from './ru.js';

/**
 * The languages explanations are written in. The first one is the fallback.
 *
 * @example
 * ```ts
 * LANGUAGES.includes('ja'); // true
 * ```
 */
export const LANGUAGES = ['en', 'ja', 'de', 'ru', 'it'] as const;

/**
 * A language of {@link LANGUAGES}.
 *
 * @example
 * ```ts
 * const lang: Language = negotiateLanguage(request.headers['accept-language']);
 * ```
 */
export type Language = (typeof LANGUAGES)[number];

/**
 * A catalog code explained for people: for the app's user, or a developer reading logs.
 *
 * @example
 * ```ts
 * const { title, cause, action } = explain('CourseMemberLimitReached', 'de');
 * showDialog(title, `${cause}\n\n${action}`);
 * ```
 */
export interface Explanation {
  /** The code as the error carried it: the catalog code, or an `@Token` the catalog does not know. */
  code: string;
  lang: Language;
  /** A few words, for a heading or a log line. */
  title: string;
  /** What happened and why. */
  cause: string;
  /** What the reader should do next. */
  action: string;
}

/**
 * The three texts one code has in one language.
 *
 * @example
 * ```ts
 * const texts: ExplanationTexts = { title: 'Course is full', cause: '…', action: '…' };
 * ```
 */
export type ExplanationTexts = { title: string; cause: string; action: string };

/**
 * Every catalog code's texts in one language. Annotating a pack with this type makes the compiler reject a
 * pack that misses a code, or that names a code the catalog does not have.
 *
 * @example
 * ```ts
 * export const en: LanguagePack = {
 *   CourseNotModifiable: { title: '…', cause: '…', action: '…' },
 *   // … one entry for every ErrorCode
 * };
 * ```
 */
export type LanguagePack = Record<ErrorCode, ExplanationTexts>;

const PACKS: Readonly<Record<Language, LanguagePack>> = Object.freeze({ en, ja, de, ru, it });

const FALLBACK: Language = LANGUAGES[0];

interface LanguageRange {
  /** Primary subtag, lower case, or `*`. */
  primary: string;
  /** True when the range names a region or script as well (`de-CH`). */
  specific: boolean;
  q: number;
}

// Only what an Accept-Language item can hold; anything else is a malformed item and is skipped rather than
// guessed at. POSIX locales (`ja_JP.UTF-8`) are accepted too, because CLIs pass `$LANG` straight through.
const RANGE = /^(\*|[a-z]{1,8})((?:-[a-z0-9]{1,8})*)$/;
const QUALITY = /^q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

function parseRanges(header: string): LanguageRange[] {
  const ranges: LanguageRange[] = [];
  for (const item of header.split(',')) {
    const [rawTag = '', ...params] = item.split(';');
    const tag = rawTag
      .trim()
      .toLowerCase()
      .replace(/[.@].*$/, '')
      .replace(/_/g, '-');
    const match = RANGE.exec(tag);
    if (!match) continue;
    let q = 1;
    let valid = true;
    for (const param of params) {
      const text = param.trim().toLowerCase();
      if (!/^q\s*=/.test(text)) continue;
      const quality = QUALITY.exec(text);
      if (quality) q = Number(quality[1]);
      else valid = false;
    }
    if (valid) ranges.push({ primary: match[1] ?? '', specific: (match[2] ?? '') !== '', q });
  }
  return ranges;
}

function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/**
 * Picks the explanation language for a locale, a list of locales or an `Accept-Language` header.
 *
 * Tags are matched on their primary subtag, ignoring case, so `ja`, `ja-JP` and `JA_jp` all give `ja`.
 * Higher q-values win; among equal ones the earlier range wins. `q=0` on a bare language (`ru;q=0`) rules
 * it out, also for `*`. Anything unsupported, malformed or empty gives `en`.
 *
 * @example
 * ```ts
 * negotiateLanguage('de-CH;q=0.9, en;q=0.8, *;q=0.1'); // 'de'
 * negotiateLanguage(['fr-FR', 'it-IT']);                 // 'it'
 * negotiateLanguage(process.env.LANG);                   // 'ja' for LANG=ja_JP.UTF-8
 * negotiateLanguage(undefined);                          // 'en'
 * ```
 */
export function negotiateLanguage(input?: string | readonly string[] | null): Language {
  if (input === undefined || input === null) return FALLBACK;
  const ranges = parseRanges(typeof input === 'string' ? input : input.join(','));
  const refused = new Set(ranges.filter((r) => r.q === 0 && !r.specific).map((r) => r.primary));
  // Array.prototype.sort is stable, so equal q-values keep the order the caller gave them.
  const wanted = ranges.filter((r) => r.q > 0).sort((a, b) => b.q - a.q);
  for (const range of wanted) {
    if (range.primary === '*') {
      const any = LANGUAGES.find((lang) => !refused.has(lang));
      if (any) return any;
    } else if (isLanguage(range.primary) && !refused.has(range.primary)) {
      return range.primary;
    }
  }
  return FALLBACK;
}

function unknownCode(input: string): RangeError {
  const name = input.trim().replace(/^@/, '');
  // An empty name is a substring of every code; suggesting three arbitrary ones would only mislead.
  const suggestions = name ? nearMatches(name) : [];
  const hint =
    suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : '; see ERROR_CODES for the known codes';
  return new RangeError(`Unknown Classroom error code "${input}"${hint}`);
}

/**
 * Explains a Classroom error in plain words: a short title, the cause, and what to do about it.
 *
 * Accepts a catalog code (case-insensitive, with or without the leading `@`) or a parsed
 * {@link ClassroomApiError}. An error whose `@Token` the catalog does not know is explained through its
 * canonical status, and keeps its own token in {@link Explanation.code} so logs still show what arrived.
 * `language` goes through {@link negotiateLanguage}.
 *
 * @throws RangeError for a string that is not a catalog code; the message suggests the closest codes.
 *
 * @example
 * ```ts
 * explain('@coursenotmodifiable', 'ja-JP').title; // 'コースを変更できません'
 *
 * try { await classroom.courses.students.create(...) }
 * catch (e) {
 *   const { title, action } = explain(parseError(e), req.headers['accept-language']);
 *   logger.warn(`${title}: ${action}`);
 * }
 * ```
 */
export function explain(codeOrError: string | ClassroomApiError, language?: string | readonly string[]): Explanation {
  const lang = negotiateLanguage(language);
  let code: string;
  let textCode: ErrorCode;
  if (typeof codeOrError === 'string') {
    const entry = lookup(codeOrError);
    if (!entry) throw unknownCode(codeOrError);
    code = textCode = entry.code;
  } else {
    code = codeOrError.code;
    textCode = isErrorCode(code) ? code : codeOrError.entry.code;
  }
  const texts = PACKS[lang][textCode];
  return { code, lang, title: texts.title, cause: texts.cause, action: texts.action };
}
