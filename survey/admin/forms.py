"""Forms of login and one's own account (CSRF-protected by Flask-WTF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from survey import passwords


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])


class LogoutForm(FlaskForm):
    """Only the CSRF token: logging out is a POST."""


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least %(n)s characters; not one of the most used passwords.",
                       n=passwords.MIN_LENGTH),
        validators=[DataRequired(), Length(max=passwords.MAX_LENGTH)],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=500)]
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
