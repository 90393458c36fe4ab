// Which repository files each Python file depends on through its imports, and a content key per file that
// covers everything it imports, transitively: what pylint's per-file messages depend on. Module names are
// resolved the way pylint's run sees them (every linted file's package root on sys.path), plus the project
// root, `src/` and the file's own directory; every candidate that exists counts, so the graph errs towards
// too many edges (a needless re-lint), never too few (a stale replay).
import {createHash} from 'node:crypto'
import path from 'node:path'

import type {ImportStatement} from './python-imports.js'

export interface ImportGraph {
  /** Direct first-party dependencies of each file (repository-relative paths). */
  dependencies: Map<string, string[]>
  /** The directories pylint puts on sys.path for these files, in its order (first appearance over the sorted files); '' is the root. */
  roots: string[]
  /**
   * Imported top-level names that a module or regular package provides in more than one of `roots`: which one
   * pylint picks depends on the order of the files it is given, so a run on a subset could resolve differently.
   */
  ambiguous: string[]
}

const EXTENSIONS = ['.py', '.pyi']

/** `files`: every Python file of the repository (not only those checked), forward slashes, relative to the root. */
export function buildImportGraph(files: readonly string[], importsOf: (file: string) => readonly ImportStatement[]): ImportGraph {
  const present = new Set(files)
  const children = new Map<string, string[]>()
  for (const file of files) {
    const parent = path.posix.dirname(file)
    const grand = path.posix.dirname(parent)
    for (const [dir, entry] of [
      [parent, file],
      // A subpackage is a child module of its parent directory.
      [grand, path.posix.basename(file) === '__init__.py' && parent !== '.' ? file : undefined],
    ] as const) {
      if (!entry) continue
      const key = dir === '.' ? '' : dir
      const list = children.get(key)
      if (list) list.push(entry)
      else children.set(key, [entry])
    }
  }
  const isPackage = (dir: string) => present.has(join(dir, '__init__.py'))
  const roots = packageRoots(files)
  const searchRoots = [...new Set([...roots, '', 'src'])]

  /** Files that `dir/dotted` may be: a module, a package's __init__, and the __init__ of every package on the way. */
  const moduleFiles = (dir: string, parts: readonly string[], into: Set<string>) => {
    let current = dir
    for (const part of parts) {
      if (!part) return
      for (const extension of EXTENSIONS) {
        const module = join(current, part + extension)
        if (present.has(module)) into.add(module)
      }
      current = join(current, part)
      const init = join(current, '__init__.py')
      if (present.has(init)) into.add(init)
    }
  }
  const importedNames = (dir: string, names: readonly string[], into: Set<string>) => {
    for (const name of names) {
      if (name === '*') for (const child of children.get(dir) ?? []) into.add(child)
      else moduleFiles(dir, [name], into)
    }
  }

  // The same absolute imports recur in most files (typing, the project's common modules): resolve each once.
  const resolvedAbsolute = new Map<string, string[]>()
  const resolveFrom = (dirs: readonly string[], statement: ImportStatement): string[] => {
    const memoKey = `${dirs.join('\0')}\0\0${statement.module}\0${statement.names?.join(',') ?? ''}`
    let resolved = resolvedAbsolute.get(memoKey)
    if (!resolved) {
      const into = new Set<string>()
      const parts = statement.module.split('.')
      for (const root of dirs) {
        moduleFiles(root, parts, into)
        if (statement.names) importedNames(join(root, parts.join('/')), statement.names, into)
      }
      resolved = [...into]
      resolvedAbsolute.set(memoKey, resolved)
    }
    return resolved
  }

  const dependencies = new Map<string, string[]>()
  const topLevelNames = new Set<string>()
  for (const file of files) {
    const found = new Set<string>()
    for (const statement of importsOf(file)) {
      const parts = statement.module === '' ? [] : statement.module.split('.')
      if (statement.level > 0) {
        let base = dirOf(file)
        for (let up = 1; up < statement.level && base !== '..'; up++) base = base === '' ? '..' : dirOf(base)
        if (base === '..') continue
        const init = join(base, '__init__.py')
        if (present.has(init)) found.add(init)
        moduleFiles(base, parts, found)
        if (statement.names) importedNames(join(base, parts.join('/')).replace(/\/$/, ''), statement.names, found)
        continue
      }
      topLevelNames.add(parts[0])
      for (const resolved of resolveFrom(searchRoots, statement)) found.add(resolved)
      for (const resolved of resolveFrom([dirOf(file)], statement)) found.add(resolved)
    }
    found.delete(file)
    dependencies.set(file, [...found].sort())
  }

  const ambiguous = [...topLevelNames]
    .filter((name) => roots.filter((root) => isPackage(join(root, name)) || EXTENSIONS.some((e) => present.has(join(root, name + e)))).length > 1)
    .sort()
  return {dependencies, roots, ambiguous}
}

/**
 * The directories pylint puts on sys.path for `files`: each one's package root (the first directory up
 * without an __init__.py), in the order of first appearance over the sorted files; '' is the root.
 */
export function packageRoots(files: readonly string[]): string[] {
  const present = new Set(files)
  const roots: string[] = []
  for (const file of [...files].sort()) {
    let dir = dirOf(file)
    while (dir !== '' && present.has(join(dir, '__init__.py'))) dir = dirOf(dir)
    if (!roots.includes(dir)) roots.push(dir)
  }
  return roots
}

/**
 * A key per file over its own content (`contentOf`: every byte) and what it sees of every file it reaches
 * through `dependencies` (`interfaceOf`: without comments): a Merkle hash over the strongly connected
 * components (import cycles share one), computed in linear time. It changes when the file changes, or when
 * anything it imports (transitively) changes other than in comments, and for nothing else.
 */
export function closureKeys(
  dependencies: ReadonlyMap<string, readonly string[]>,
  contentOf: (file: string) => string,
  interfaceOf: (file: string) => string,
): Map<string, string> {
  const components = stronglyConnected(dependencies)
  const componentOf = new Map<string, number>()
  components.forEach((members, index) => {
    for (const member of members) componentOf.set(member, index)
  })
  // Tarjan's order: every component comes after all the components it reaches.
  const componentKeys: string[] = []
  components.forEach((members, index) => {
    const hash = createHash('sha256')
    for (const member of [...members].sort()) hash.update(`${member}\0${interfaceOf(member)}\0`)
    const reached = new Set<string>()
    for (const member of members) {
      for (const dependency of dependencies.get(member) ?? []) {
        const other = componentOf.get(dependency)
        if (other !== undefined && other !== index) reached.add(componentKeys[other])
        else if (other === undefined) reached.add(`${dependency}\0${interfaceOf(dependency)}`)
      }
    }
    for (const key of [...reached].sort()) hash.update(`>${key}\0`)
    componentKeys[index] = hash.digest('hex')
  })
  const keys = new Map<string, string>()
  for (const [file, index] of componentOf) {
    keys.set(file, createHash('sha256').update(`${file}\0${contentOf(file)}\0${componentKeys[index]}`).digest('hex'))
  }
  return keys
}

/** Tarjan's algorithm without recursion (a long import chain must not overflow the stack). */
function stronglyConnected(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const components: string[][] = []
  let counter = 0
  for (const start of edges.keys()) {
    if (index.has(start)) continue
    const work: Array<{node: string; next: number}> = [{node: start, next: 0}]
    index.set(start, counter)
    low.set(start, counter++)
    stack.push(start)
    onStack.add(start)
    while (work.length > 0) {
      const frame = work[work.length - 1]
      const targets = edges.get(frame.node) ?? []
      if (frame.next < targets.length) {
        const target = targets[frame.next++]
        if (!edges.has(target)) continue
        if (!index.has(target)) {
          index.set(target, counter)
          low.set(target, counter++)
          stack.push(target)
          onStack.add(target)
          work.push({node: target, next: 0})
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!))
        }
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1].node
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!))
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = []
        let member: string
        do {
          member = stack.pop()!
          onStack.delete(member)
          component.push(member)
        } while (member !== frame.node)
        components.push(component)
      }
    }
  }
  return components
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`
}

function dirOf(file: string): string {
  const dir = path.posix.dirname(file)
  return dir === '.' ? '' : dir
}
