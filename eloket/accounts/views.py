from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from . import dashboard as registry
from .forms import ProfileForm, VehicleForm


@login_required
def dashboard(request):
    panels = [
        {"panel": panel, "context": panel.context(request)}
        for panel in registry.panels()
    ]
    return render(request, "accounts/dashboard.html", {"panels": panels})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.preferred_language)
        messages.success(request, _("Your details have been saved."))
        return redirect("accounts:dashboard")
    return render(request, "accounts/profile_form.html", {"form": form})


@login_required
def vehicle_add(request):
    form = VehicleForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        vehicle = form.save()
        messages.success(request, _("Vehicle %(plate)s added.") % {"plate": vehicle.plate_display})
        if form.is_unusual:
            messages.info(request, _("This is not a usual Belgian plate. Check that you typed it exactly as on the car."))
        return redirect("accounts:dashboard")
    return render(request, "accounts/vehicle_form.html", {"form": form})


@login_required
def vehicle_edit(request, pk):
    vehicle = get_object_or_404(request.user.vehicles, pk=pk)
    form = VehicleForm(request.POST or None, instance=vehicle, owner=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Vehicle %(plate)s saved.") % {"plate": vehicle.plate_display})
        return redirect("accounts:dashboard")
    return render(request, "accounts/vehicle_form.html", {"form": form, "vehicle": vehicle})


@login_required
def vehicle_delete(request, pk):
    vehicle = get_object_or_404(request.user.vehicles, pk=pk)
    if request.method == "POST":
        plate = vehicle.plate_display
        vehicle.delete()
        messages.success(request, _("Vehicle %(plate)s removed.") % {"plate": plate})
        return redirect("accounts:dashboard")
    return render(request, "accounts/vehicle_confirm_delete.html", {"vehicle": vehicle})
