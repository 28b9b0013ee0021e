// ${NAME} and ${NAME:-default} expansion in config values. "$${" stays a literal "${".

export class EnvExpansionError extends Error {
  override name = 'EnvExpansionError';
}

export function expandEnv(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?/g, (match, name, fallback) => {
    if (match === '$${') return '${';
    if (name === undefined) {
      throw new EnvExpansionError(`"${match}" is not a valid variable reference; write \${NAME} or \${NAME:-default}`);
    }
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw new EnvExpansionError(`environment variable ${name} is not set; set it or write \${${name}:-default}`);
  });
}
