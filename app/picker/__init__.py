"""The picker's search: matching groups, people and organisations for type-ahead fields (app.core.forms.PickerField)."""
