"""Extract the user-visible API surface of a generated pulumi_auth0 Python package, statically (ast)."""

import ast
import os

RESOURCE_MODULES = ["client", "client_grant", "resource_server", "provider"]


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


def surface(pkg_dir, type_names):
    """The surface of the three resources, the provider, config and the named nested types."""
    result = {"modules": {}, "types": {}, "config": None}
    for mod in RESOURCE_MODULES:
        result["modules"][mod] = _classes(os.path.join(pkg_dir, mod + ".py"))

    def nested(name):
        base = name[:-8] if name.endswith("ArgsDict") else name[:-4] if name.endswith("Args") else name
        return base in type_names

    result["types"]["_inputs"] = _classes(os.path.join(pkg_dir, "_inputs.py"), nested)
    result["types"]["outputs"] = _classes(os.path.join(pkg_dir, "outputs.py"), nested)
    vars_path = os.path.join(pkg_dir, "config", "vars.py")
    config = _classes(vars_path, lambda n: n == "_ExportableConfig")
    result["config"] = config.get("_ExportableConfig") if config else None
    return result
