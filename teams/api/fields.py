"""Fields that take JSON's own types only. DRF's defaults are kind to HTML forms ("true",
"on" and "1" are a boolean, "14" is a number, 14 is a string); a JSON API says in its schema
what type each field is, and a value of another type is a 400, never a guess."""

from rest_framework import serializers


class _Strict:
    types: tuple = ()
    type_name = ""

    def to_internal_value(self, data):
        wrong_bool = isinstance(data, bool) and bool not in self.types
        if wrong_bool or not isinstance(data, self.types):
            raise serializers.ValidationError(f"Must be {self.type_name}, not {_type(data)}.")
        return super().to_internal_value(data)


def _type(data) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "a string"}.get(
        type(data), "a list or an object"
    )


class StrictBooleanField(_Strict, serializers.BooleanField):
    types, type_name = (bool,), "true or false"


class StrictIntegerField(_Strict, serializers.IntegerField):
    types, type_name = (int,), "a whole number"


class StrictFloatField(_Strict, serializers.FloatField):
    types, type_name = (int, float), "a number"


class StrictCharField(_Strict, serializers.CharField):
    types, type_name = (str,), "a string"


class StrictChoiceField(_Strict, serializers.ChoiceField):
    types, type_name = (str,), "one of the choices, as a string"


_STRICT = {
    serializers.BooleanField: StrictBooleanField,
    serializers.IntegerField: StrictIntegerField,
    serializers.FloatField: StrictFloatField,
    serializers.CharField: StrictCharField,
}


class StrictModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose fields made from the model take JSON's own types only."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        **{
            model_field: strict
            for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
            for strict in [_STRICT.get(field)]
            if strict is not None
        },
    }
    serializer_choice_field = StrictChoiceField
