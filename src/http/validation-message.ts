/** The parts of an Ajv error the messages below read. */
export interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

/**
 * One plain sentence for the first schema violation, naming the field and the limit, because
 * Ajv's own wording ("must NOT have fewer than 1 characters") leaves the client guessing.
 */
export function describeSchemaError(error: SchemaError | undefined, body: unknown): string {
  if (!error) return 'The request does not match the schema.';
  const field = error.instancePath ? `"${error.instancePath.slice(1).replaceAll('/', '.')}"` : 'the body';
  const limit = error.params.limit;
  switch (error.keyword) {
    case 'additionalProperties':
      return `Unknown field "${String(error.params.additionalProperty)}" in ${field}.`;
    case 'required':
      return `${capitalize(field)} is missing the field "${String(error.params.missingProperty)}".`;
    case 'minProperties':
    case 'maxProperties':
      return `${capitalize(field)} must have exactly one of the fields "text" or "texts"; it has ${fieldsOf(body)}.`;
    case 'type':
      return `${capitalize(field)} must be ${article(String(error.params.type))}.`;
    case 'minLength':
      return `${capitalize(field)} is empty.`;
    case 'pattern':
      return `${capitalize(field)} has only whitespace.`;
    case 'maxLength':
      return `${capitalize(field)} is longer than ${String(limit)} characters.`;
    case 'minItems':
      return `${capitalize(field)} is empty; send at least ${String(limit)}.`;
    case 'maxItems':
      return `${capitalize(field)} has more than ${String(limit)} items.`;
    default:
      return `${capitalize(field)} ${error.message ?? 'is invalid'}.`;
  }
}

function fieldsOf(body: unknown): string {
  const keys = body && typeof body === 'object' ? Object.keys(body) : [];
  return keys.length === 0 ? 'none' : keys.map((key) => `"${key}"`).join(', ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
