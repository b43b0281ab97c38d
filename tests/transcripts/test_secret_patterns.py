"""The redaction table: per secret family, positives to mask and near misses to leave alone.

Every secret here is made up (fixed pseudo-random characters in the real
shape); none is, or was, a live credential.
"""

from __future__ import annotations

import random
import string

import pytest

from lsm.transcripts import redact_json, redact_text
from lsm.transcripts.secret_patterns import FAMILIES, find_secrets, redact_patterns

_rng = random.Random(20261201)
_ALNUM = string.ascii_letters + string.digits


def rnd(n: int, alphabet: str = _ALNUM) -> str:
    """``n`` fixed pseudo-random characters (the same on every run)."""
    return "".join(_rng.choice(alphabet) for _ in range(n))


def b64url(n: int) -> str:
    return rnd(n, _ALNUM + "-_")


GH_FINE = f"github_pat_{rnd(22)}_{rnd(59)}"
assert len(GH_FINE) == 93  # over git-ai's 90-character token limit
JWT = f"eyJ{b64url(30)}.eyJ{b64url(60)}.{b64url(43)}"
PEM_BODY = "\n".join(rnd(64, _ALNUM + "+/") for _ in range(6))

#: family -> (positives: (text, secret)), (near misses: text)
TABLE: dict[str, tuple[list[tuple[str, str]], list[str]]] = {
    "github": (
        [
            (f"export GITHUB_TOKEN=ghp_{(s := rnd(36))}", f"ghp_{s}"),
            (f"gho_{(s := rnd(36))} is the oauth token", f"gho_{s}"),
            (f"token ghs_{(s := rnd(36))}", f"ghs_{s}"),
            (f"ghu_{(s := rnd(40))}", f"ghu_{s}"),
            (f"refresh: ghr_{(s := rnd(36))}", f"ghr_{s}"),
            (f"fine-grained {GH_FINE} here", GH_FINE),
            (f'{{"token": "{GH_FINE}"}}', GH_FINE),
        ],
        [
            f"ghp_{rnd(35)}",  # one character short
            f"ghx_{rnd(36)}",  # not a GitHub token type
            f"github_pat_{rnd(22)}{rnd(59)}",  # the separator is missing
            f"github_pat_{rnd(21)}_{rnd(59)}",  # the first part is short
            "see ghp_token_docs for the format",
        ],
    ),
    "gitlab": (
        [
            (f"glpat-{(s := rnd(20, _ALNUM + '_-'))}", f"glpat-{s}"),
            (f"CI_TOKEN=glrt-{(s := rnd(24))}", f"glrt-{s}"),
            (f"deploy gldt-{(s := rnd(20))}", f"gldt-{s}"),
            (f"glptt-{(s := rnd(40, 'abcdef0123456789'))}", f"glptt-{s}"),
        ],
        [
            f"glpat-{rnd(19)}",  # too short
            f"glpat_{rnd(20)}",  # underscore, not a dash
            f"glxyz-{rnd(20)}",  # not a GitLab prefix
            "the glpat- prefix marks personal tokens",
        ],
    ),
    "slack": (
        [
            (
                f"xoxb-{(s := f'{rnd(12, string.digits)}-{rnd(13, string.digits)}-{rnd(24)}')}",
                f"xoxb-{s}",
            ),
            (f"SLACK=xoxp-{(s := f'{rnd(12, string.digits)}-{rnd(32)}')}", f"xoxp-{s}"),
            (
                f"xapp-1-A{(s := rnd(10, string.ascii_uppercase + string.digits))}-"
                f"{(n := rnd(13, string.digits))}-{(h := rnd(64, 'abcdef0123456789'))}",
                f"xapp-1-A{s}-{n}-{h}",
            ),
        ],
        [
            "xoxb-",
            "xoxo-hugs-and-kisses",
            f"xoxz-{rnd(12, string.digits)}-{rnd(24)}",  # not a token type
            f"xoxb-{rnd(3, string.digits)}-abc",  # too short
        ],
    ),
    "slack_webhook": (
        [
            (
                "post to https://hooks.slack.com/services/"
                + (s := f"T{rnd(8)}/B{rnd(8)}/{rnd(9)}"),
                s,
            ),
            (f"hooks.slack.com/workflows/{(s := f'T{rnd(9)}/A{rnd(10)}/{rnd(20)}')}", s),
            (f'"url": "https://hooks.slack.com/services/{(s := rnd(30))}"', s),
        ],
        [
            "https://hooks.slack.com/docs",
            "https://hooks.slack.com/services/",
            "hooks.slack.com/services/short",
        ],
    ),
    "jwt": (
        [
            (f"Authorization: Bearer {JWT}", JWT),
            (f'{{"id_token": "{JWT}"}}', JWT),
            (f"curl -H 'x-jwt: {JWT}'", JWT),
        ],
        [
            f"eyJ{b64url(30)}",  # one segment
            f"eyJ{b64url(30)}.{b64url(40)}.{b64url(40)}",  # the payload is not JSON
            "eyJ.eyJ.sig",  # segments too short
            "version 1.2.3 and eyJhbGci",
        ],
    ),
    "aws": (
        [
            (f"AKIA{(s := rnd(16, string.ascii_uppercase + string.digits))}", f"AKIA{s}"),
            (f"key id ASIA{(s := rnd(16, string.ascii_uppercase + string.digits))}", f"ASIA{s}"),
            (f"arn AROA{(s := rnd(16, string.ascii_uppercase + string.digits))}", f"AROA{s}"),
            (f'"AccessKeyId": "AKIA{(s := rnd(16, string.ascii_uppercase))}"', f"AKIA{s}"),
        ],
        [
            f"AKIA{rnd(15, string.ascii_uppercase + string.digits)}",  # 19 characters
            f"akia{rnd(16, string.ascii_lowercase + string.digits)}",  # lower case
            "AKIA-prefixed ids name IAM users",
            "aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}",  # a reference
        ],
    ),
    "gcp": (
        [
            (f"key=AIza{(s := rnd(35, _ALNUM + '_-'))}", f"AIza{s}"),
            (f"client_secret: GOCSPX-{(s := rnd(28, _ALNUM + '_-'))}", f"GOCSPX-{s}"),
            (f"ya29.{(s := rnd(60, _ALNUM + '_-'))}", f"ya29.{s}"),
        ],
        [
            f"AIza{rnd(34)}",  # one short
            f"GOCSPX-{rnd(20)}",  # too short
            "ya29.short",
            "use AIza-prefixed keys from the console",
        ],
    ),
    "azure": (
        [
            (
                f"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey="
                f"{(s := rnd(86, _ALNUM + '+/'))}==;EndpointSuffix=core.windows.net",
                s,
            ),
            (
                f"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;"
                f"SharedAccessKey={(s := rnd(43, _ALNUM + '+/'))}=",
                s,
            ),
            (
                f"https://acct.blob.core.windows.net/c?sv=2022-11-02&se=2026&sig={(s := rnd(52))}",
                s,
            ),
            (f"AZURE_CLIENT_SECRET={(s := rnd(3) + '8Q~' + rnd(34, _ALNUM + '_~.-'))}", s),
        ],
        [
            "AccountKey=short",
            "https://example.com/?sig=abc",
            "AccountName=acct;EndpointSuffix=core.windows.net",
            "the Q~ marker",
        ],
    ),
    "stripe": (
        [
            (f"sk_live_{(s := rnd(24))}", f"sk_live_{s}"),
            (f"STRIPE_KEY=sk_test_{(s := rnd(99))}", f"sk_test_{s}"),
            (f"rk_live_{(s := rnd(24))}", f"rk_live_{s}"),
            (f"whsec_{(s := rnd(32))}", f"whsec_{s}"),
        ],
        [
            f"sk_live_{rnd(9)}",  # too short
            f"sk_demo_{rnd(24)}",  # not live or test
            f"pk_live_{rnd(24)}",  # publishable: public by design
            "whsec_short",
        ],
    ),
    "openai": (
        [
            (f"OPENAI_API_KEY=sk-proj-{(s := b64url(156))}", f"sk-proj-{s}"),
            (f"sk-svcacct-{(s := b64url(40))}", f"sk-svcacct-{s}"),
            (f"sk-admin-{(s := b64url(40))}", f"sk-admin-{s}"),
            (f"sk-{(s := rnd(20) + 'T3BlbkFJ' + rnd(20))}", f"sk-{s}"),
            (f"legacy sk-{(s := rnd(48))}", f"sk-{s}"),
        ],
        [
            f"sk-proj-{rnd(19)}",  # too short
            f"sk-{rnd(47)}",  # one short of the legacy length
            "the sk- prefix",
            f"task-{rnd(48)}",  # not at a word start
        ],
    ),
    "anthropic": (
        [
            (f"ANTHROPIC_API_KEY=sk-ant-api03-{(s := b64url(95))}AA", f"sk-ant-api03-{s}AA"),
            (f"sk-ant-admin01-{(s := b64url(93))}", f"sk-ant-admin01-{s}"),
            (f"sk-ant-oat01-{(s := b64url(40))}", f"sk-ant-oat01-{s}"),
        ],
        [
            f"sk-ant-api03-{rnd(19)}",  # too short
            "sk-ant-",
            f"sk-ant_{rnd(40)}",  # an underscore
            "install the sk-ant CLI",
        ],
    ),
    "private_key": (
        [
            (
                f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----",
                PEM_BODY,
            ),
            (
                f'{{"private_key": "-----BEGIN PRIVATE KEY-----\\n{(s := rnd(64))}\\n'
                f'-----END PRIVATE KEY-----\\n", "client_email": "x@p.iam.gserviceaccount.com"}}',
                s,
            ),  # a GCP service-account key file, as raw JSON text
            (f"-----BEGIN OPENSSH PRIVATE KEY-----\n{(s := rnd(70))}", s),  # cut off
            (
                f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{(s := rnd(64))}\n"
                "-----END PGP PRIVATE KEY BLOCK-----",
                s,
            ),
        ],
        [
            f"-----BEGIN PUBLIC KEY-----\n{rnd(64)}\n-----END PUBLIC KEY-----",
            f"-----BEGIN CERTIFICATE-----\n{rnd(64)}\n-----END CERTIFICATE-----",
            "mentions a PRIVATE KEY in prose",
        ],
    ),
    "url_credentials": (
        [
            (f"postgres://admin:{(s := rnd(16))}@db.internal:5432/app", s),
            (f"git clone https://user:{(s := rnd(20))}@github.com/o/r.git", s),
            (f"amqp://svc:{(s := rnd(12))}@mq/vhost", s),
        ],
        [
            "https://github.com/o/r.git",
            "git@github.com:o/r.git",
            "ssh://git@host:22/repo",
            "http://localhost:8080/x@y",
            "https://user@github.com/o/r",  # a user and no password
        ],
    ),
    "authorization": (
        [
            (f"Authorization: Bearer {(s := rnd(40))}9", f"{s}9"),
            (f"-H 'Authorization: Basic {(s := rnd(24) + '7==')}'", s),
            (f"Authorization: token {(s := rnd(30))}1", f"{s}1"),
        ],
        [
            "Authorization: Bearer <token>",
            "Bearer $TOKEN",
            "the bearer of bad news arrived yesterday",
            "Basic authentication is disabled",
        ],
    ),
    "assignment": (
        [
            ('password = "S3cr3tP@ss!w0rd"', "S3cr3tP@ss!w0rd"),
            (f"API_KEY={(s := rnd(30) + '0x')}", s),
            (f"db_password: {(s := rnd(14))}7!", f"{s}7!"),
            (f'{{"client_secret": "{(s := rnd(28) + "5k")}"}}', s),
            (f"export SECRET_TOKEN='{(s := rnd(18) + '3z')}'", s),
            (f"private_key => {(s := rnd(22) + '4q')}", s),
            (f"aws_secret_access_key = {(s := rnd(38, _ALNUM + '/+') + '7/')}", s),
            (f'AWS_SECRET_ACCESS_KEY="{(s := rnd(38, _ALNUM + "/+") + "5+")}"', s),
        ],
        [
            'password = os.environ["DB_PASSWORD"]',
            "token: str = None",
            "self.password = password",
            "auth_token = get_token()",
            "TOKEN=${GITHUB_TOKEN}",
            'password: "<your password here>"',
            "secret_name = my-secret-name",
            "tokenizer = Tokenizer(vocab)",
            "monkey = 'b4n4n4s_4r3_gr34t'",  # "key" in a name that names no key
            "password = changeme123",
            "api_key = 12345678",  # too little entropy
            "keyboard: qwertyuiop",
            "password = hunter2hunter2",  # a weak password, but not random-looking enough
            # Letters only (a class name?) is never flagged by this family; git-ai's
            # random-token test still masks long random ones in redact_text.
            "client_secret = ExampleClientSecretFactory",
        ],
    ),
}

POSITIVES = [(family, text, secret) for family, (pos, _) in TABLE.items() for text, secret in pos]
NEGATIVES = [(family, text) for family, (_, neg) in TABLE.items() for text in neg]


def test_every_family_is_in_the_table() -> None:
    assert sorted(TABLE) == sorted(FAMILIES)
    for family, (pos, neg) in TABLE.items():
        assert len(pos) >= 3 and len(neg) >= 3, family


@pytest.mark.parametrize(("family", "text", "secret"), POSITIVES)
def test_positive(family: str, text: str, secret: str) -> None:
    found = find_secrets(text)
    assert any(f == family and secret.strip() in s for f, s in found), found
    masked = redact_patterns(text)
    # None of the secret survives past the four characters kept at each end.
    assert secret.strip()[4:-4] not in masked
    assert secret.strip()[4:-4] not in redact_text(text)  # the whole redaction too


@pytest.mark.parametrize(("family", "text"), NEGATIVES)
def test_near_miss(family: str, text: str) -> None:
    assert find_secrets(text) == []
    assert redact_patterns(text) is text


@pytest.mark.parametrize(("family", "text", "secret"), POSITIVES)
def test_positive_under_a_metadata_key(family: str, text: str, secret: str) -> None:
    # git-ai never looks under keys like "name" or "*_id"; known families are masked there too.
    doc = {"name": text, "tool_use_id": text, "path": [text]}
    out = redact_json(doc)
    for value in (out["name"], out["tool_use_id"], out["path"][0]):
        assert secret.strip()[4:-4] not in value


def test_masks_keep_the_ends_as_git_ai_does() -> None:
    secret = f"ghp_{rnd(36)}"
    assert redact_patterns(f"t={secret}.") == f"t={secret[:4]}********{secret[-4:]}."
    pem = f"-----BEGIN EC PRIVATE KEY-----\n{PEM_BODY}\n-----END EC PRIVATE KEY-----"
    assert redact_patterns(pem) == (
        "-----BEGIN EC PRIVATE KEY-----\n********\n-----END EC PRIVATE KEY-----"
    )
