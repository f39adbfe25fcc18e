"""CloudFormation templates read as data: intrinsic functions are evaluated where the template
(parameter defaults, conditions, mappings) or a parameter file gives their inputs, and left as
``Unresolved`` (saying why) where only a deployment would know them. Nothing runs: the
functions are plain mappings (``{"Ref": "X"}``) the YAML reader built from ``!Ref X``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mlreview.draft.importers.base import mapping

PSEUDO = "AWS::"
_SUB = re.compile(r"\$\{([^}!][^}]*)\}")


@dataclass(frozen=True)
class Unresolved:
    """A value only a deployment would know; ``text`` shows it as written (for matching)."""

    text: str
    reason: str


@dataclass(frozen=True)
class ResourceRef:
    """``!Ref Resource`` or ``!GetAtt Resource.Attribute``: a link to another resource."""

    resource: str
    attribute: str | None = None


class _NoValue:
    """``!Ref AWS::NoValue``: the property is left out."""


NO_VALUE = _NoValue()


def is_template(data: Any) -> bool:
    resources = mapping(mapping(data).get("Resources"))
    return bool(resources) and all(isinstance(r, dict) and "Type" in r for r in resources.values())


def parameter_values(data: Any) -> dict[str, str] | None:
    """The values of a CloudFormation parameter file, or None when ``data`` is not one."""
    if isinstance(data, list):
        pairs = [mapping(p) for p in data]
        if pairs and all("ParameterKey" in p and "ParameterValue" in p for p in pairs):
            return {str(p["ParameterKey"]): str(p["ParameterValue"]) for p in pairs}
        return None
    d = mapping(data)
    params = d.get("Parameters")
    extra = set(d) - {"Parameters", "Tags", "StackPolicy"}
    scalars = isinstance(params, dict) and all(
        isinstance(v, str | int | float | bool) for v in params.values()
    )
    if isinstance(params, dict) and params and scalars and not extra:
        return {str(k): str(v) for k, v in params.items()}
    return None


class Template:
    """A template with the parameter values known to the import."""

    def __init__(self, data: Any, values: dict[str, str] | None = None) -> None:
        d = mapping(data)
        self.resources = {k: mapping(v) for k, v in mapping(d.get("Resources")).items()}
        self.declared = {k: mapping(v) for k, v in mapping(d.get("Parameters")).items()}
        self.conditions = mapping(d.get("Conditions"))
        self.mappings = mapping(d.get("Mappings"))
        self.values: dict[str, Any] = {}
        for name, spec in self.declared.items():
            if values and name in values:
                self.values[name] = values[name]
            elif "Default" in spec:
                self.values[name] = spec["Default"]
        self._conditions: dict[str, Any] = {}

    def of_type(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        """(logical id, resource) of every resource of type ``kind``, by id."""
        return sorted((name, r) for name, r in self.resources.items() if r.get("Type") == kind)

    def properties(self, name: str) -> Any:
        return self.resolve(self.resources.get(name, {}).get("Properties", {}))

    def resolve(self, value: Any) -> Any:
        """``value`` with every intrinsic function evaluated that can be."""
        if isinstance(value, list):
            resolved = [self.resolve(v) for v in value]
            return [v for v in resolved if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" or key.startswith("Fn::") or key == "Condition":
                return self._function(key, arg)
        out = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not NO_VALUE}

    def _function(self, key: str, arg: Any) -> Any:
        if key == "Ref":
            return self._ref(str(arg))
        if key == "Fn::GetAtt":
            parts = arg if isinstance(arg, list) else str(arg).split(".", 1)
            return ResourceRef(str(parts[0]), str(parts[1]) if len(parts) > 1 else None)
        if key == "Fn::Sub":
            return self._sub(arg)
        if key == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
            chosen = self.condition(str(arg[0]))
            if isinstance(chosen, Unresolved):
                return Unresolved(f"!If {arg[0]}", f"condition {arg[0]} {chosen.reason}")
            return self.resolve(arg[1] if chosen else arg[2])
        if key in ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition"):
            return self._logic(key, arg)
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            parts = self.resolve(arg[1])
            if isinstance(parts, list) and all(isinstance(p, str | int | float) for p in parts):
                return str(arg[0]).join(str(p) for p in parts)
            return Unresolved("!Join", "joins values only a deployment knows")
        if key == "Fn::FindInMap" and isinstance(arg, list) and len(arg) == 3:
            keys = [self.resolve(a) for a in arg]
            if all(isinstance(k, str) for k in keys):
                found = mapping(mapping(self.mappings.get(keys[0])).get(keys[1])).get(keys[2])
                if found is not None:
                    return found
            return Unresolved("!FindInMap", "looks up a mapping by a value only a deployment knows")
        return Unresolved(f"!{key.removeprefix('Fn::')}", "is evaluated only when deployed")

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name.startswith(PSEUDO):
            return Unresolved(f"${{{name}}}", f"{name} is known only when deployed")
        if name in self.values:
            return self.values[name]
        if name in self.declared:
            return Unresolved(f"${{{name}}}", f"parameter {name} has no default or given value")
        if name in self.resources:
            return ResourceRef(name)
        return Unresolved(f"${{{name}}}", f"{name} is not declared in the template")

    def _sub(self, arg: Any) -> Any:
        template, local = (arg[0], mapping(arg[1])) if isinstance(arg, list) and arg else (arg, {})
        if not isinstance(template, str):
            return Unresolved("!Sub", "is not a string template")
        missing: list[str] = []

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            value = self.resolve(local[name]) if name in local else self._ref(name)
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                return str(value)
            missing.append(name)
            return match.group(0)

        text = _SUB.sub(fill, template)
        if missing:
            return Unresolved(text, f"needs {', '.join(dict.fromkeys(missing))}")
        return text

    def condition(self, name: str) -> Any:
        if name not in self._conditions:
            self._conditions[name] = Unresolved(name, "is circular")
            if name in self.conditions:
                self._conditions[name] = self._truth(self.conditions[name])
            else:
                self._conditions[name] = Unresolved(name, "is not declared")
        return self._conditions[name]

    def _truth(self, value: Any) -> Any:
        result = self.resolve(value)
        if isinstance(result, bool):
            return result
        if isinstance(result, Unresolved):
            return result
        return Unresolved(str(result), "is not a condition")

    def _logic(self, key: str, arg: Any) -> Any:
        if key == "Condition":
            return self.condition(str(arg))
        values = [self.resolve(a) for a in (arg if isinstance(arg, list) else [arg])]
        values = [
            self.condition(v["Condition"]) if isinstance(v, dict) and "Condition" in v else v
            for v in values
        ]
        unknown = [v for v in values if isinstance(v, Unresolved | ResourceRef)]
        if key == "Fn::Equals" and len(values) == 2:
            if unknown:
                first = unknown[0]
                return (
                    first
                    if isinstance(first, Unresolved)
                    else Unresolved("!Equals", "compares a resource")
                )
            return str(values[0]) == str(values[1])
        if unknown:
            first = unknown[0]
            return first if isinstance(first, Unresolved) else Unresolved(key, "needs a resource")
        if key == "Fn::Not" and len(values) == 1:
            return not values[0]
        if key == "Fn::And":
            return all(bool(v) for v in values)
        if key == "Fn::Or":
            return any(bool(v) for v in values)
        return Unresolved(key, "is malformed")


def shown(value: Any) -> str:
    """A value as the template writes it, for matching names that are not resolved."""
    if isinstance(value, Unresolved):
        return value.text
    if isinstance(value, ResourceRef):
        return f"${{{value.resource}{'.' + value.attribute if value.attribute else ''}}}"
    return str(value)
