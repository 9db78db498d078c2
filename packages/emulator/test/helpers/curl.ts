/** Splits a shell command line into words, honouring single and double quotes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) words.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) words.push(current);
  return words;
}


/** A documented curl line as fetch arguments (`$E` stays in the URL for the caller to replace). */
export interface CurlCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Parses `curl [-X VERB] [-H 'Name: value']… URL [-d BODY]` as the documentation writes it. */
export function parseCurl(line: string): CurlCall {
  const words = shellWords(line).slice(1);
  const call: CurlCall = { method: '', url: '', headers: {}, body: undefined };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (word === '-X') call.method = words[++i] ?? '';
    else if (word === '-H') {
      const [name, ...value] = (words[++i] ?? '').split(':');
      call.headers[(name ?? '').trim().toLowerCase()] = value.join(':').trim();
    } else if (word === '-d') call.body = words[++i];
    else call.url = word;
  }
  call.method ||= call.body === undefined ? 'GET' : 'POST';
  return call;
}
