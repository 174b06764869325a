"""The Resource class that the access and membership resources (of org and of enterprise groups) derive from:
what each one's constructor does, written once."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin

import pulumi
import pulumi.dynamic

from ._assignment import AssignmentProvider
from ._common import of_this_stack, registration
from ._ownership import register

ArgsT = TypeVar("ArgsT")


# Generic first: pulumi.dynamic.Resource's __init_subclass__ in older SDKs (3.216) does not call super(), so with it
# first Generic never gets to set up the parameters and `AssignmentResource[...]` fails at import.
class AssignmentResource(Generic[ArgsT], pulumi.dynamic.Resource):
    """Builds the properties (the Args fields, given as an Args or as keywords, and the computed outputs as None),
    claims the list for the program (`register` refuses a second owner while the program is built, before Pulumi
    hears of the resource), then registers them with a new instance of the resource's provider. A subclass names
    its Args type in the brackets (it types the constructor and is what the properties are read from) and its
    provider class (whose facet names the computed outputs):

        class RunnerGroupMembership(AssignmentResource[RunnerGroupMembershipArgs], module="github", name=...):
            _provider_type = RunnerGroupMembershipProvider
    """

    _provider_type: ClassVar[type[AssignmentProvider]]
    _args_type: ClassVar[type[Any]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Keeps the Args type named in `AssignmentResource[...]` (a subclass of a subclass inherits it)."""
        super().__init_subclass__(**kwargs)
        for base in cls.__dict__.get("__orig_bases__", ()):
            if get_origin(base) is AssignmentResource:
                (cls._args_type,) = get_args(base)

    def __init__(
        self,
        resource_name: str,
        args: ArgsT | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = registration(self._args_type, args, kwargs, self._provider_type.facet.computed)
        register(self._provider_type.facet.owners, resource_name, props)
        super().__init__(of_this_stack(self._provider_type()), resource_name, props, opts)
