"""Google's Veo models as the Gemini API and Vertex AI serve them (docs/providers/gemini_veo.md).

Each Google model appears as a text-to-video entry and as image-to-video entries (frames,
references), as the module's catalogue keeps the two kinds apart. Vertex AI also takes a seed
and an audio switch; the Gemini API refuses both. Admins can replace any entry (catalog.py).
"""

from open_webui.utils.google_video.model_spec import VideoModel

_RATIOS = ("16:9", "9:16")
_PEOPLE = ("dont_allow", "allow_adult")


def veo_models(prefix: str, vertex: bool) -> tuple[VideoModel, ...]:
    def model(wire_id: str, suffix: str, name: str, kind: str, price: int, **capabilities) -> VideoModel:
        common = dict(aspect_ratios=_RATIOS, negative_prompt=True, person_generation=_PEOPLE, seed=vertex)
        return VideoModel(f"{prefix}/{wire_id}{suffix}", name, kind, price, wire_id=wire_id, **{**common, **capabilities})

    veo2 = dict(durations=(5, 6, 7, 8), default_duration=8, resolutions=("720p",))
    # Veo 3.0 makes 8 s videos only (Google's cookbook); 3.1 also 4 and 6 s. 1080p is 16:9 only on
    # some models: Google refuses the other combinations (refunded with its message).
    veo3 = dict(durations=(8,), default_duration=8, resolutions=("720p", "1080p"), audio=vertex)
    veo31 = dict(veo3, durations=(4, 6, 8), operations=("extend",))
    references = "components_or_style" if vertex else "components"
    return (
        model("veo-2.0-generate-001", "", "Veo 2", "text", 80, **veo2),
        model("veo-2.0-generate-001", ":frames", "Veo 2 (first/last frame)", "image", 100, max_images=2,
              image_role="first_last_frame", **veo2),
        model("veo-2.0-generate-001", ":references", "Veo 2 (reference images)", "image", 100, max_images=3,
              image_role=references, **veo2),
        model("veo-3.0-generate-001", "", "Veo 3", "text", 150, **veo3),
        model("veo-3.0-fast-generate-001", "", "Veo 3 Fast", "text", 100, **veo3),
        model("veo-3.0-generate-001", ":frames", "Veo 3 (first frame)", "image", 160, max_images=1,
              image_role="first_frame", **veo3),
        model("veo-3.1-generate-preview", "", "Veo 3.1", "text", 160, **veo31),
        model("veo-3.1-fast-generate-preview", "", "Veo 3.1 Fast", "text", 110, **veo31),
        model("veo-3.1-generate-preview", ":frames", "Veo 3.1 (first/last frame)", "image", 180, max_images=2,
              image_role="first_last_frame", **veo31),
        model("veo-3.1-fast-generate-preview", ":frames", "Veo 3.1 Fast (first/last frame)", "image", 130,
              max_images=2, image_role="first_last_frame", **veo31),
        model("veo-3.1-generate-preview", ":references", "Veo 3.1 (reference images)", "image", 180, max_images=3,
              image_role="components", **veo31),
    )
