"""The three Pulumi dynamic resources. Provider classes are pickled by reference: never rename or move them."""
