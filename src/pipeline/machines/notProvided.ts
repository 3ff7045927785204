/** The body of an actor a static machine declares and a runner must inject with `.provide()`. */
export function notProvided(name: string): () => Promise<never> {
  return async () => {
    throw new Error(`the machine's '${name}' actor was not provided: inject it with machine.provide({ actors: { ${name} } })`)
  }
}
