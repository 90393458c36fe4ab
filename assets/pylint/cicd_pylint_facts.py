"""cicd's pylint plugin: what each module contributes to pylint's two cross-module messages.

duplicate-code and cyclic-import depend on every module of a run, so a run over the few files a change
touches cannot give them by itself. This plugin records, for each module pylint walks, what those messages
and the score are made of: its statements, the hashes of its duplicate-code windows, the lines where
duplicate-code is disabled, and its edges in the import graph. cicd keeps these per file. Given the other
files' records, the plugin makes pylint's own checkers report for the whole repository: the import checker
walks the whole graph, and the similarity checker compares the files that share a window with another file
(a pair of files that shares none yields nothing, so leaving them out changes no message).

cicd loads it with CICD_PYLINT_FACTS naming a directory: `whole.json` there (optional) holds the other
files' records and the run order; `facts.json` is written at the end. Anything this pylint does not provide
as expected makes the plugin record nothing and change nothing (cicd then runs pylint over every file).
"""
import io
import json
import os
import sys

from pylint.checkers import BaseChecker

try:
    from pylint.checkers.similar import LineSet, hash_lineset
    from pylint.utils import decoding_stream

    MISSING = None
except ImportError as missing:  # another pylint than the one this was written for: record nothing
    MISSING = f"this pylint lacks what the plugin uses: {missing}"

FORMAT = 1

# Window hashes are Python's string hashes: comparable between two runs only with the same seed and hashing.
SEED = os.environ.get("PYTHONHASHSEED")
HASHING = f"{sys.version_info[0]}.{sys.version_info[1]} {sys.hash_info.algorithm} seed {SEED}"


def count_statements(module):
    """The statements pylint's walker counts: every node under the module with is_statement."""
    count = 0
    pending = [module]
    while pending:
        node = pending.pop()
        if node.is_statement:
            count += 1
        pending.extend(node.get_children())
    return count


class CrossModuleFacts(BaseChecker):
    """Records what each module walked contributes to the cross-module messages."""

    name = "cicd-facts"
    # A checker runs only when one of its messages is enabled; cicd enables this one, which is never emitted.
    msgs = {"I8801": ("cicd records cross-module facts", "cicd-facts", "Never emitted.")}

    def __init__(self, linter):
        super().__init__(linter)
        self.directory = os.environ.get("CICD_PYLINT_FACTS")
        self.modules = {}
        self.linesets = {}
        self.failure = None
        self.whole = None
        self.wrapped = False

    def checker(self, name, message):
        """The checker behind a cross-module message, when that message is enabled."""
        if not self.linter.is_message_enabled(message):
            return None
        return next((c for c in self.linter.get_checkers() if c.name == name), None)

    def open(self):
        self.similar = self.checker("similarities", "duplicate-code")
        self.imports = self.checker("imports", "cyclic-import")
        if self.linter.config.jobs != 1:
            self.failure = "pylint runs with --jobs"
        if SEED in (None, "", "random"):
            self.failure = "string hashes differ from run to run: PYTHONHASHSEED is not set"
        if MISSING:
            self.failure = MISSING
        if self.directory is None or self.failure:
            return
        # The other checkers close in an order this plugin does not control: wrap their close so the whole
        # repository's data is in place before either computes its messages.
        for checker in (self.similar, self.imports):
            if checker is not None:
                checker.close = self.before(checker.close)
        self.wrapped = True

    def before(self, close):
        def wrapped():
            self.complete()
            close()

        return wrapped

    def visit_module(self, node):
        if self.failure:
            return
        try:
            facts = {
                "name": node.name,
                "statements": count_statements(node),
                "encoding": node.file_encoding,
                "hashing": HASHING,
            }
            lineset = self.similar.linesets[-1] if self.similar is not None and self.similar.linesets else None
            if lineset is not None and lineset.name == self.linter.current_name:
                minimum = self.similar.namespace.min_similarity_lines
                facts["windows"] = sorted({hash(chunk) & 0xFFFFFFFF for chunk in hash_lineset(lineset, minimum)[0]})
                enabled = self.linter._is_one_message_enabled
                facts["unlisted"] = [n for n in range(1, len(lineset.real_lines) + 1) if not enabled("R0801", n)]
                # The name the similarity checker gives the module: "pkg.__init__" where node.name is "pkg".
                facts["lineset"] = lineset.name
                self.linesets[os.path.abspath(node.file)] = lineset
            self.modules[os.path.abspath(node.file)] = facts
        except Exception as error:  # pylint: disable=broad-except
            self.failure = f"{type(error).__name__}: {error}"

    def record_edges(self):
        """Each module's import-graph edges, in the order of pylint's sets (the cycle it names follows it)."""
        if self.imports is None:
            return
        names = [facts["name"] for facts in self.modules.values()]
        if len(set(names)) != len(names):
            # pylint keeps one set of edges per name: which file an edge came from cannot be told.
            self.failure = "two files have the same module name"
            return
        for facts in self.modules.values():
            name = facts["name"]
            facts["imports"] = list(self.imports.import_graph.get(name, ()))
            facts["excluded"] = sorted(self.imports._excluded_edges.get(name, ()))

    def complete(self):
        """Puts the whole repository in place, once, before the first wrapped checker closes."""
        if self.whole is not None or self.failure:
            return
        self.whole = False
        try:
            self.record_edges()
            path = os.path.join(self.directory, "whole.json")
            if self.failure or not os.path.exists(path):
                return
            with open(path, encoding="utf-8") as handle:
                given = json.load(handle)
            order = [os.path.abspath(file) for file in given["order"]]
            known = {os.path.abspath(file): facts for file, facts in given["modules"].items()}
            known.update(self.modules)
            if any(file not in known for file in order):
                self.failure = "a file has no record"
                return
            if any(known[file].get("hashing") != HASHING for file in order):
                self.failure = "a record was made with other string hashes"
                return
            names = [known[file]["name"] for file in order]
            if len(set(names)) != len(names):
                self.failure = "two files have the same module name"
                return
            if self.imports is not None:
                self.whole_graph(order, known)
            if self.similar is not None:
                self.similar.linesets = self.whole_linesets(order, known)
            self.whole = {"statements": sum(known[file]["statements"] for file in order)}
        except Exception as error:  # pylint: disable=broad-except
            self.failure = f"{type(error).__name__}: {error}"

    def whole_graph(self, order, known):
        # What _import_graph_without_ignored_edges returns in a run over every file: a deep copy rebuilds
        # each set from the original's iteration order (recorded), then the excluded edges are removed.
        graph = self.imports.import_graph.__class__(set)
        for file in order:
            facts = known[file]
            if facts["imports"]:
                graph[facts["name"]] = set(facts["imports"])
                graph[facts["name"]].difference_update(facts["excluded"])
        if not hasattr(type(self.imports), "_import_graph_without_ignored_edges"):
            raise AttributeError("this pylint's import checker has no _import_graph_without_ignored_edges")
        self.imports._import_graph_without_ignored_edges = lambda: graph

    def whole_linesets(self, order, known):
        holders = {}
        for file in order:
            for window in known[file]["windows"]:
                holders.setdefault(window, set()).add(file)
        shared = {file for files in holders.values() if len(files) > 1 for file in files}
        return [self.lineset_of(file, known[file]) for file in order if file in shared]

    def lineset_of(self, file, facts):
        """The lineset pylint builds for a file: its own from this run, else rebuilt from the file as the
        similarity checker reads it, without the lines where duplicate-code is disabled."""
        if file in self.linesets:
            return self.linesets[file]
        with open(file, "rb") as handle:
            stream = io.BytesIO(handle.read())
        try:
            lines = decoding_stream(stream, facts["encoding"]).readlines()
        except UnicodeDecodeError:
            lines = []
        unlisted = set(facts["unlisted"])
        options = self.similar.namespace
        return LineSet(
            facts["lineset"],
            lines,
            options.ignore_comments,
            options.ignore_docstrings,
            options.ignore_imports,
            options.ignore_signatures,
            line_enabled_callback=lambda _msgid, line: line not in unlisted,
        )

    def close(self):
        if self.directory is None:
            return
        self.complete()
        if not self.wrapped and not self.failure:
            self.failure = "the plugin did not start"
        # The walker's count over this run must be the sum of the modules' counts, or the records are wrong.
        if not self.failure and sum(f["statements"] for f in self.modules.values()) != self.linter.stats.statement:
            self.failure = "the statement counts differ from pylint's"
        report = {"format": FORMAT, "failure": self.failure}
        if not self.failure:
            report["modules"] = {os.path.relpath(file): facts for file, facts in self.modules.items()}
            report["whole"] = self.whole or None
        with open(os.path.join(self.directory, "facts.json"), "w", encoding="utf-8") as handle:
            json.dump(report, handle)


def register(linter):
    linter.register_checker(CrossModuleFacts(linter))
