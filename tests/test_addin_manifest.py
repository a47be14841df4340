"""The Outlook add-in manifest: valid against the Office XSDs, every resid resolves, strings fit
Office's limits in both languages, every URL is HTTPS inside the AppDomains."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from lxml import etree

from mailmatrix.addin_manifest import (
    EXAMPLE_BASE_URL,
    EXAMPLE_CLIENT_ID,
    LONG_LIMIT,
    SHORT_LIMIT,
    Deployment,
    ManifestError,
    render_manifest,
)
from mailmatrix.cli import main
from tests.conftest import REPOSITORY, require_or_skip

XSD_FOLDER = Path(os.environ.get("MAILMATRIX_MANIFEST_XSD",
                                 REPOSITORY.parent / "shared" / "specs" / "office-manifest-xsd"))
NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
      "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
      "v10": "http://schemas.microsoft.com/office/mailappversionoverrides",
      "v11": "http://schemas.microsoft.com/office/mailappversionoverrides/1.1"}
DEPLOYMENT = Deployment("https://mm.example-export.com/", "4a1f6c2e-8d3b-4c5e-9f70-2b6d8e1a3c94")


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    root = XSD_FOLDER / "OfficeAppManifestV1_1.xsd"
    require_or_skip(root.is_file(), f"Office manifest XSDs not found at {XSD_FOLDER}")
    return etree.XMLSchema(etree.parse(str(root)))


def parsed(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"))


def manifests() -> dict[str, str]:
    return {"committed example": (REPOSITORY / "addin" / "manifest.xml").read_text("utf-8"),
            "a deployment": render_manifest(DEPLOYMENT)}


@pytest.mark.parametrize("which", ["committed example", "a deployment"])
def test_the_manifest_is_valid_against_the_office_schemas(schema, which: str) -> None:  # noqa: ANN001
    document = parsed(manifests()[which])
    assert schema.validate(document), schema.error_log


def test_the_committed_manifest_is_the_example_deployments() -> None:
    committed = (REPOSITORY / "addin" / "manifest.xml").read_text("utf-8")
    assert committed == render_manifest(Deployment(EXAMPLE_BASE_URL, EXAMPLE_CLIENT_ID)), \
        "regenerate it: mailmatrix manifest --base-url https://localhost:5443 --client-id " \
        "00000000-0000-0000-0000-000000000000 -o addin/manifest.xml"


def test_the_schemas_reject_pinning_outside_the_1_1_block(schema) -> None:  # noqa: ANN001
    """The validation is not vacuous: Outlook refuses SupportsPinning in the 1.0 block."""
    text = render_manifest(DEPLOYMENT).replace(
        '<SourceLocation resid="ReadPaneUrl"/>\n                  </Action>',
        '<SourceLocation resid="ReadPaneUrl"/>\n<SupportsPinning>true</SupportsPinning>'
        "</Action>", 1)
    assert not schema.validate(parsed(text))


def test_every_resid_resolves_within_its_version_block() -> None:
    document = parsed(render_manifest(DEPLOYMENT))
    blocks = document.findall(".//v10:VersionOverrides", NS) + \
        document.findall(".//v11:VersionOverrides", NS)
    assert len(blocks) == 2
    for block in blocks:
        namespace = block.tag.partition("}")[0] + "}"
        inner = block.find(f".//{{{NS['v11']}}}VersionOverrides")
        own = [element for element in block.iter()  # the nested 1.1 block has its own
               if inner is None or (element is not inner
                                    and inner not in element.iterancestors())]
        resources = block.find(f"{namespace}Resources")
        defined = {element.get("id") for element in resources.iter() if element.get("id")}
        used = {element.get("resid") for element in own if element.get("resid")}
        assert used and used <= defined, used - defined


def test_strings_fit_office_limits_in_english_and_chinese() -> None:
    document = parsed(render_manifest(DEPLOYMENT))
    for kind, limit in (("ShortStrings", SHORT_LIMIT), ("LongStrings", LONG_LIMIT)):
        strings = document.findall(f".//bt:{kind}/bt:String", NS)
        assert strings
        for string in strings:
            overrides = string.findall("bt:Override", NS)
            assert [item.get("Locale") for item in overrides] == ["zh-CN"]
            for value in [string.get("DefaultValue"), *(o.get("Value") for o in overrides)]:
                assert value and len(value) <= limit, (string.get("id"), value)
    for element, limit in (("DisplayName", SHORT_LIMIT), ("Description", LONG_LIMIT)):
        node = document.find(f"o:{element}", NS)
        override = node.find("o:Override", NS)
        assert override.get("Locale") == "zh-CN" and override.get("Value")
        assert len(node.get("DefaultValue")) <= limit and len(override.get("Value")) <= limit


def test_every_url_is_https_inside_the_app_domains() -> None:
    document = parsed(render_manifest(DEPLOYMENT))
    domains = [node.text for node in document.findall("o:AppDomains/o:AppDomain", NS)]
    assert domains == ["https://mm.example-export.com"]
    urls = [value for node in document.iter() for name, value in node.attrib.items()
            if name == "DefaultValue" and value.startswith(("http://", "https://"))]
    assert len(urls) >= 8
    assert all(url.startswith("https://mm.example-export.com/") for url in urls), urls
    assert "https://mm.example-export.com/outlook/pane?mode=compose" in urls


def test_pinning_sso_and_both_surfaces_are_declared() -> None:
    document = parsed(render_manifest(DEPLOYMENT))
    inner = document.find(".//v11:VersionOverrides", NS)
    surfaces = [node.get("{http://www.w3.org/2001/XMLSchema-instance}type")
                for node in inner.findall(".//v11:ExtensionPoint", NS)]
    assert surfaces == ["MessageReadCommandSurface", "MessageComposeCommandSurface",
                        "MobileMessageReadCommandSurface"]
    assert [node.text for node in inner.findall(".//v11:SupportsPinning", NS)] == ["true"]
    info = inner.find("v11:WebApplicationInfo", NS)
    assert info.find("v11:Id", NS).text == DEPLOYMENT.client_id
    assert info.find("v11:Resource", NS).text == \
        f"api://mm.example-export.com/{DEPLOYMENT.client_id}"
    assert document.find("o:Permissions", NS).text == "ReadWriteItem"


def test_a_deployment_keeps_its_add_in_id_and_the_icons_exist() -> None:
    again = Deployment("https://mm.example-export.com", DEPLOYMENT.client_id)
    assert DEPLOYMENT.add_in_id == again.add_in_id != Deployment(
        "https://other.example", DEPLOYMENT.client_id).add_in_id
    document = parsed(render_manifest(DEPLOYMENT))
    icons = {value.rpartition("/")[2] for node in document.iter()
             for value in node.attrib.values() if value.endswith(".png")}
    assert icons == {f"icon-{size}.png" for size in (16, 25, 32, 48, 50, 64, 75, 80, 96, 128,
                                                      144)}
    for icon in icons:
        assert (REPOSITORY / "sidebar" / "static" / "icons" / icon).read_bytes()[:8] == \
            b"\x89PNG\r\n\x1a\n"


def test_the_mobile_button_has_an_icon_of_the_right_pixels_for_every_scale() -> None:
    document = parsed(render_manifest(DEPLOYMENT))
    urls = {node.get("id"): node.get("DefaultValue")
            for node in document.find(".//v11:Resources", NS).iter() if node.get("id")}
    mobile = document.find(".//v11:MobileFormFactor", NS)
    images = mobile.findall(".//bt:Image", NS)
    assert {(int(i.get("size")), int(i.get("scale"))) for i in images} == {
        (size, scale) for size in (25, 32, 48) for scale in (1, 2, 3)}
    for image in images:
        png = (REPOSITORY / "sidebar" / "static" / "icons" /
               urls[image.get("resid")].rpartition("/")[2]).read_bytes()
        width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
        assert width == height == int(image.get("size")) * int(image.get("scale"))


@pytest.mark.parametrize(("base_url", "client_id", "complaint"), [
    ("http://mm.example.com", EXAMPLE_CLIENT_ID, "HTTPS"),
    ("mm.example.com", EXAMPLE_CLIENT_ID, "HTTPS"),
    ("https://mm.example.com/?x=1", EXAMPLE_CLIENT_ID, "query"),
    ("https://mm.example.com", "my-app", "not a GUID"),
])
def test_bad_deployment_settings_are_refused_with_the_reason(base_url: str, client_id: str,
                                                             complaint: str) -> None:
    with pytest.raises(ManifestError, match=complaint):
        render_manifest(Deployment(base_url, client_id))


def test_the_manifest_command_writes_a_deployment_and_refuses_bad_settings(
    runner: FlaskCliRunner, tmp_path: Path, schema  # noqa: ANN001
) -> None:
    target = tmp_path / "manifest.xml"
    result = runner.invoke(main, ["manifest", "--base-url", DEPLOYMENT.base_url,
                                  "--client-id", DEPLOYMENT.client_id, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert schema.validate(parsed(target.read_text("utf-8")))
    refused = runner.invoke(main, ["manifest", "--base-url", "http://insecure.example",
                                   "--client-id", DEPLOYMENT.client_id])
    assert refused.exit_code == 1 and "HTTPS" in refused.output


def test_display_text_is_escaped_in_the_xml() -> None:
    text = render_manifest(Deployment("https://mm.example.com/a&b", EXAMPLE_CLIENT_ID))
    assert "a&amp;b/outlook/pane" in text
    assert parsed(text).find("o:SupportUrl", NS).get("DefaultValue") == \
        "https://mm.example.com/a&b/support"
