"""Validation rules (pandera schemas) for submitted workbooks, installed as kkb_excel.validators."""
