/**
 * Docker Compose's variable interpolation of one value, as it runs on every string of the file for
 * every command: `${NAME}`, `$NAME`, `$$`, and `${NAME<op>word}` with op `:-` `-` `:?` `?` `:+` `+`
 * (the word may hold braces and further variables). A required variable that is missing throws,
 * with Compose's own message.
 */
export function interpolateCompose(value: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  let at = 0;
  while (at < value.length) {
    const dollar = value.indexOf('$', at);
    if (dollar < 0) return out + value.slice(at);
    out += value.slice(at, dollar);
    const next = value[dollar + 1];
    if (next === '$') {
      out += '$';
      at = dollar + 2;
    } else if (next === '{') {
      const close = closingBrace(value, dollar + 1);
      out += substitute(value.slice(dollar + 2, close), env);
      at = close + 1;
    } else {
      const name = /^[A-Za-z_]\w*/.exec(value.slice(dollar + 1))?.[0];
      if (!name) throw new Error(`invalid interpolation format in ${JSON.stringify(value)}`);
      out += env[name] ?? '';
      at = dollar + 1 + name.length;
    }
  }
  return out;
}

/** Every string in a parsed compose document, interpolated. */
export function interpolateDocument<T>(document: T, env: Readonly<Record<string, string>>): T {
  if (typeof document === 'string') return interpolateCompose(document, env) as T;
  if (Array.isArray(document)) return document.map((item: unknown) => interpolateDocument(item, env)) as T;
  if (document && typeof document === 'object') {
    return Object.fromEntries(Object.entries(document).map(([key, item]) => [key, interpolateDocument(item, env)])) as T;
  }
  return document;
}

function closingBrace(value: string, open: number): number {
  let depth = 0;
  for (let index = open; index < value.length; index++) {
    if (value[index] === '{') depth++;
    else if (value[index] === '}' && --depth === 0) return index;
  }
  throw new Error(`unclosed \${ in ${JSON.stringify(value)}`);
}

function substitute(expression: string, env: Readonly<Record<string, string>>): string {
  const match = /^([A-Za-z_]\w*)(?:(:?[-?+])([\s\S]*))?$/.exec(expression);
  if (!match) throw new Error(`invalid interpolation format for \${${expression}}`);
  const [, name = '', op, word = ''] = match;
  const given = env[name];
  const blank = given === undefined || (op?.startsWith(':') === true && given === '');
  switch (op) {
    case undefined:
      return given ?? '';
    case ':-':
    case '-':
      return blank ? interpolateCompose(word, env) : given!;
    case ':?':
    case '?':
      if (blank) throw new Error(`required variable ${name} is missing a value: ${interpolateCompose(word, env)}`);
      return given!;
    default:
      return blank ? '' : interpolateCompose(word, env);
  }
}
