"""Extract the user-visible API surface of a generated pulumi_auth0 Python package, statically (ast)."""

import ast
import os



def _is_property(fn):
    for d in fn.decorator_list:
        name = ast.unparse(d)
        if name in ("property", "_builtins.property", "builtins.property"):
            return True
    return False


def _params(fn):
    a = fn.args
    names = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
    if a.vararg:
        names.append("*" + a.vararg.arg)
    if a.kwarg:
        names.append("**" + a.kwarg.arg)
    return [n for n in names if n not in ("self", "__self__")]


def _class_surface(cls):
    """{'init': [param lists...], 'props': [...], 'get': [...], 'fields': [...]}"""
    s = {"init": [], "props": [], "get": None, "fields": []}
    for node in cls.body:
        if isinstance(node, ast.FunctionDef):
            if node.name == "__init__":
                s["init"].append(_params(node))
            elif node.name == "get":
                s["get"] = _params(node)
            elif _is_property(node):
                s["props"].append(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            s["fields"].append(node.target.id)
    s["props"] = sorted(set(s["props"]))
    s["fields"] = sorted(s["fields"])
    return s


def _classes(path, wanted=None):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    out = {}

    def visit(body):
        for node in body:
            if isinstance(node, ast.ClassDef):
                if wanted is None or wanted(node.name):
                    out[node.name] = _class_surface(node)
            elif isinstance(node, ast.If):
                # TypedDicts sit under `if not MYPY:` in generated code.
                visit(node.body)

    visit(tree.body)
    return out


def _functions(path):
    """Module-level functions (get_client, get_client_output) and their parameters."""
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    return {n.name: _params(n) for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}


def surface(pkg_dir, modules, type_names):
    """The surface of the named modules (resources, the provider, functions), config and the named
    nested types; a function type's output class ends in `Result`."""
    result = {"modules": {}, "functions": {}, "types": {}, "config": None}
    for mod in modules:
        result["modules"][mod] = _classes(os.path.join(pkg_dir, mod + ".py"))
        defs = _functions(os.path.join(pkg_dir, mod + ".py"))
        if defs:
            result["functions"][mod] = defs

    def nested(name):
        # XArgs, XArgsDict, X, XResult; X may carry the Type suffix sdk-gen adds on a name clash.
        for suffix in ("ArgsDict", "Args", "Result", ""):
            if name.endswith(suffix):
                base = name[: len(name) - len(suffix)]
                if base in type_names or base.removesuffix("Type") in type_names:
                    return True
        return False

    result["types"]["_inputs"] = _classes(os.path.join(pkg_dir, "_inputs.py"), nested)
    result["types"]["outputs"] = _classes(os.path.join(pkg_dir, "outputs.py"), nested)
    vars_path = os.path.join(pkg_dir, "config", "vars.py")
    config = _classes(vars_path, lambda n: n == "_ExportableConfig")
    result["config"] = config.get("_ExportableConfig") if config else None
    return result
