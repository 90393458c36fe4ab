// Resolving Python imports to repository files the way pylint's run sees them.
import {describe, expect, it} from 'vitest'

import {buildImportGraph} from '../../../src/cache/import-graph.js'
import {scanImports} from '../../../src/cache/python-imports.js'

function graphOf(sources: Record<string, string>) {
  return buildImportGraph(Object.keys(sources), (file) => scanImports(sources[file]))
}

describe('buildImportGraph', () => {
  it('resolves absolute imports from the root and from src/, with the __init__ of every package on the way', () => {
    const graph = graphOf({
      'src/shop/__init__.py': '',
      'src/shop/orders/__init__.py': '',
      'src/shop/orders/models.py': '',
      'src/shop/api.py': 'import shop.orders.models\n',
      'tools/run.py': 'from shop.orders import models\n',
    })
    expect(graph.dependencies.get('src/shop/api.py')).toEqual(['src/shop/__init__.py', 'src/shop/orders/__init__.py', 'src/shop/orders/models.py'])
    expect(graph.dependencies.get('tools/run.py')).toEqual(['src/shop/__init__.py', 'src/shop/orders/__init__.py', 'src/shop/orders/models.py'])
  })

  it('resolves relative imports at every level, `from . import x` to a submodule, and star imports to every child', () => {
    const graph = graphOf({
      'pkg/__init__.py': 'from . import a\n',
      'pkg/a.py': 'from .sub import b\nfrom .. import top\n',
      'pkg/sub/__init__.py': '',
      'pkg/sub/b.py': 'from ..a import thing\nfrom ... import outside\n',
      'pkg/sub/c.py': 'from . import *\n',
      'pkg/sub/inner/__init__.py': '',
    })
    expect(graph.dependencies.get('pkg/__init__.py')).toEqual(['pkg/a.py'])
    expect(graph.dependencies.get('pkg/a.py')).toEqual(['pkg/__init__.py', 'pkg/sub/__init__.py', 'pkg/sub/b.py'])
    expect(graph.dependencies.get('pkg/sub/b.py')).toEqual(['pkg/__init__.py', 'pkg/a.py'])
    expect(graph.dependencies.get('pkg/sub/c.py')).toEqual(['pkg/sub/__init__.py', 'pkg/sub/b.py', 'pkg/sub/inner/__init__.py'])
  })

  it('leaves third-party and standard-library imports out', () => {
    const graph = graphOf({'app.py': 'import os\nimport requests\nfrom airflow import DAG\n'})
    expect(graph.dependencies.get('app.py')).toEqual([])
  })

  it("resolves a script's sibling module, and lists pylint's sys.path roots in its order", () => {
    const graph = graphOf({
      'dags/etl.py': 'import helpers\n',
      'dags/helpers.py': '',
      'tradeflow/__init__.py': '',
      'tradeflow/core.py': '',
    })
    expect(graph.dependencies.get('dags/etl.py')).toEqual(['dags/helpers.py'])
    expect(graph.roots).toEqual(['dags', ''])
    expect(graph.ambiguous).toEqual([])
  })

  it('reports a module name that two sys.path roots both provide', () => {
    const graph = graphOf({
      'dags/utils.py': '',
      'dags/etl.py': 'import utils\n',
      'jobs/utils.py': '',
      'jobs/spark.py': 'import utils\n',
    })
    expect(graph.ambiguous).toEqual(['utils'])
    expect(graph.dependencies.get('dags/etl.py')).toEqual(['dags/utils.py', 'jobs/utils.py'])
  })
})
