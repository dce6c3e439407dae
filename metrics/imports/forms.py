"""The form for a paste or a file to import: it reads the upload's text (or refuses it in words);
what the rows hold is checked by the preview."""

from django import forms

from metrics.imports import parsing as importing


class ImportForm(forms.Form):
    text = forms.CharField(
        required=False,
        # Not stripped: problems name lines as numbered in the paste, leading blank lines included.
        strip=False,
        label="Paste from a spreadsheet",
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "font-monospace"}),
        help_text="Copy the columns from Excel and paste them here, or paste CSV text.",
    )
    file = forms.FileField(
        required=False,
        label="Or upload a CSV or TSV file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,text/csv"}),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            try:
                data = upload.read(importing.MAX_UPLOAD_BYTES + 1)
                cleaned["text"] = importing.decode_upload(data)
            except importing.TableRefused as refused:
                raise forms.ValidationError(str(refused)) from refused
            cleaned["source"] = upload.name
        elif (cleaned.get("text") or "").strip():
            cleaned["source"] = "pasted text"
        else:
            raise forms.ValidationError(
                "Paste some rows or choose a file: there is nothing to import yet."
            )
        return cleaned
