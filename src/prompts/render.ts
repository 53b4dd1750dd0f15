import { invalidRequest, GatewayError } from '../errors';
import { PROMPT_TEMPLATES, type PromptTemplate } from './templates';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The template for `{id, version}`; the newest version not on trial when none is named. */
export function findPrompt(id: string, version?: string): PromptTemplate {
  const versions = PROMPT_TEMPLATES.filter((t) => t.id === id);
  const found =
    version === undefined
      ? versions.filter((t) => !t.trial).sort((a, b) => Number(b.version) - Number(a.version))[0]
      : versions.find((t) => t.version === version);
  if (!found) {
    const what = version === undefined ? `"${id}"` : `"${id}" version "${version}"`;
    throw new GatewayError(`There is no prompt template ${what}.`, { status: 404, code: 'prompt_not_found', param: 'gateway.prompt' });
  }
  return found;
}

/** Fills `{{name}}` placeholders; a missing variable is the client's error, named. */
export function renderTemplate(template: PromptTemplate, variables: Record<string, unknown> = {}): string {
  return template.text.replace(PLACEHOLDER, (_, name: string) => {
    const value = variables[name];
    if (value === undefined || value === null || typeof value === 'object') {
      throw invalidRequest(`Prompt "${template.id}" v${template.version} needs the variable "${name}" (a string or number).`, `gateway.prompt.variables.${name}`);
    }
    return String(value);
  });
}

