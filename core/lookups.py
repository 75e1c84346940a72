"""`field__any_of=[…]`: membership in a long list as one parameter.

`field__in=[…]` writes one placeholder per value; for the 1,000 values of a platform batch the
driver spends more time splitting the query than PostgreSQL spends running it. `any_of` sends
the list as one array (`= ANY(%s)`) on PostgreSQL and as one JSON text (`IN (SELECT value FROM
json_each(%s))`) on SQLite; the answer is the same as `__in`.
"""

import json

from django.db.models import Field, ForeignObject, Lookup


@ForeignObject.register_lookup
@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [self.lhs.output_field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [
            self.lhs.output_field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs
        ]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(values)]
